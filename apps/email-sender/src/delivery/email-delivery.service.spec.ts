import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { HeraldConfig } from '@herald/config';
import { deliveryId, DeliveryOutcomes, ReplayPacing, type DeliveryJob } from '@herald/deliveries';
import type { Mailer, OutgoingEmail, SmtpResult } from '@herald/email';
import { retryTiers, type DeadLetters, type KafkaProducer, type Settling } from '@herald/kafka';
import { DeliveryMetrics } from '@herald/observability';
import type { AttemptRecord, DeliveryRef, DeliveryRepository, DeliveryStatus, EmailChannelEntity, EmailChannelRepository } from '@herald/persistence';
import { EmailDeliveryService } from './email-delivery.service';
import { MadeAttempts } from './made-attempts';

const event = { id: 'evt_1', type: 'deploy.failed', org_id: 'org_1', project_id: null, occurred_at: 't', created_at: 't', data: {} };
const aJob = (attempt: number): DeliveryJob => ({ delivery_id: deliveryId(event, 'ec_1'), attempt, destination: { kind: 'email', id: 'ec_1' }, event });

/** The service with its real outcomes over fakes: a delivery log in memory, a producer and a mailer that record. */
function aSender(answers: SmtpResult['kind'][]) {
  const log: { id: string; status: DeliveryStatus; attempt: number }[] = [];
  const sent: OutgoingEmail[] = [];
  const retries: string[] = [];
  /** Writes to the log wait for this to be called, as a group commit would. */
  const writes: (() => void)[] = [];
  const flush = () => writes.splice(0).forEach((write) => write());
  const deliveries = {
    recordAttempt: (ref: DeliveryRef, status: DeliveryStatus, attempt: AttemptRecord) =>
      new Promise<void>((resolve) => writes.push(() => (log.push({ id: ref.id, status, attempt: attempt.attempt }), resolve()))),
    hasAttempt: async (id: string, attempt: number) => log.some((row) => row.id === id && row.attempt === attempt),
  } as unknown as DeliveryRepository;
  const producer = { send: async (topic: string) => void retries.push(topic) } as unknown as KafkaProducer;
  const metrics = new DeliveryMetrics(new Registry(), { HERALD_METRICS_FAILING_DESTINATIONS: 10 });
  const outcomes = new DeliveryOutcomes(deliveries, producer, {} as DeadLetters, metrics, retryTiers(['1s']));
  const channels = { findById: async (id: string) => ({ id, orgId: 'org_1', recipients: ['ops@example.com'] }) as EmailChannelEntity } as unknown as EmailChannelRepository;
  const mailer = {
    compose: (_event: unknown, id: string) => ({ to: ['ops@example.com'], subject: 's', html: '', text: '', messageId: `<${id}@herald.example.com>`, headers: {} }),
    send: async (_channel: unknown, email: OutgoingEmail): Promise<SmtpResult> => {
      sent.push(email);
      const kind = answers.shift() ?? 'sent';
      return kind === 'sent'
        ? { kind, latencyMs: 1, responseCode: 250, response: '250 Ok', accepted: email.to, rejected: [] }
        : { kind, latencyMs: 1, responseCode: 451, response: '451 Try again later', reason: 'SMTP 451 Try again later', retryable: true };
    },
  } as unknown as Mailer;
  const config = { HERALD_EMAIL_RETRY_SCHEDULE: ['1s', '1s'] } as unknown as HeraldConfig;
  const service = new EmailDeliveryService(channels, mailer, outcomes, metrics, new ReplayPacing(), new MadeAttempts(deliveries), config);
  /** As the consumer runs a handler: the next job of the channel may start once it returns, before its record is written. */
  const handle = async (job: DeliveryJob) => (await service.deliver(job)) as Settling | undefined;
  return { handle, flush, log, sent, retries };
}

describe('EmailDeliveryService.deliver', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('mails an attempt once when its job is read again, while its record is being written or after', async () => {
    const sender = aSender(['failed', 'sent']);
    const first = await sender.handle(aJob(1));
    // The same job again (a rebalance handed it out again, or ingest produced it twice) while the log is written …
    const again = sender.handle(aJob(1));
    sender.flush();
    await Promise.all([first?.durable, again]);
    // … and once more later.
    expect(await sender.handle(aJob(1))).toBeUndefined();
    expect(sender.sent).toHaveLength(1);
    expect(sender.retries).toEqual(['herald.retry.1s.v1']);

    // The retry is the next attempt, and is mailed as the same message.
    const retry = await sender.handle(aJob(2));
    sender.flush();
    await retry?.durable;
    expect(sender.sent.map((email) => email.messageId)).toEqual(Array(2).fill(`<${aJob(1).delivery_id}@herald.example.com>`));
    expect(sender.log.map((row) => [row.attempt, row.status])).toEqual([
      [1, 'pending'],
      [2, 'succeeded'],
    ]);
  });
});
