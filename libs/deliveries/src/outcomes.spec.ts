import { Registry } from 'prom-client';
import type { DeadLetters, InboundMessage, KafkaProducer } from '@herald/kafka';
import { DeliveryMetrics } from '@herald/observability';
import type { AttemptRecord, DeliveryRef, DeliveryRepository, DeliveryStatus } from '@herald/persistence';
import { deliveryId, serializeJob, type DeliveryJob } from './job';
import { DeliveryOutcomes } from './outcomes';

const event = { id: 'evt_1', type: 'deploy.failed', org_id: 'org_1', project_id: null, occurred_at: 't', created_at: 't', data: {} };
const job: DeliveryJob = { delivery_id: deliveryId(event, 'wh_1'), attempt: 2, destination: { kind: 'webhook', id: 'wh_1' }, event };

function message(value: string): InboundMessage {
  return { topic: 'herald.deliveries.webhook.v1', partition: 0, offset: '7', key: 'wh_1', value: Buffer.from(value), headers: {}, timestamp: '0', receivedAt: 0 };
}

describe('DeliveryOutcomes when a job is quarantined', () => {
  let recorded: { ref: DeliveryRef; status: DeliveryStatus; attempt: AttemptRecord }[];
  let outcomes: DeliveryOutcomes;

  beforeEach(() => {
    recorded = [];
    const deliveries = { recordAttempt: async (ref: DeliveryRef, status: DeliveryStatus, attempt: AttemptRecord) => void recorded.push({ ref, status, attempt }) } as unknown as DeliveryRepository;
    outcomes = new DeliveryOutcomes(deliveries, {} as KafkaProducer, {} as DeadLetters, new DeliveryMetrics(new Registry(), { HERALD_METRICS_FAILING_DESTINATIONS: 10 }), []);
  });

  it('records the delivery as failed, without a request, saying why', async () => {
    await outcomes.quarantined(message(serializeJob(job)), { kind: 'repeating', reason: 'type_error', attempts: 3, error: new TypeError('word.charAt is not a function') });
    expect(recorded).toEqual([
      {
        ref: expect.objectContaining({ id: job.delivery_id, destinationId: 'wh_1', orgId: 'org_1' }),
        status: 'failed',
        attempt: expect.objectContaining({ attempt: 2, statusCode: null, succeeded: false, error: 'quarantined (type_error): word.charAt is not a function' }),
      },
    ]);
  });

  it('keeps the logged cause short', async () => {
    await outcomes.quarantined(message(serializeJob(job)), { kind: 'unknown', reason: 'unknown_error', attempts: 6, error: new Error('x'.repeat(5_000)) });
    expect(recorded[0].attempt.error!.length).toBe(1_000);
  });

  it('has nothing to record for a job it cannot read', async () => {
    await outcomes.quarantined(message('{not json'), { kind: 'repeating', reason: 'syntax_error', attempts: 3, error: new SyntaxError('bad') });
    expect(recorded).toEqual([]);
  });
});

describe('DeliveryOutcomes.startMetricsAtZero', () => {
  it("starts a sender's attempt, outcome, retry, hold and rate-limit counters at 0 for its formats and every tier", async () => {
    const metrics = new DeliveryMetrics(new Registry(), { HERALD_METRICS_FAILING_DESTINATIONS: 0 });
    const tiers = [{ name: '1s' }, { name: '1h' }] as unknown as ConstructorParameters<typeof DeliveryOutcomes>[4];
    new DeliveryOutcomes({} as DeliveryRepository, {} as KafkaProducer, {} as DeadLetters, metrics, tiers).startMetricsAtZero('webhook', ['raw', 'slack']);
    const series = async (counter: { get(): Promise<{ values: { labels: Record<string, string | number>; value: number }[] }> }) =>
      (await counter.get()).values.map(({ labels, value }) => `${Object.values(labels).join('/')}=${value}`).sort();

    expect(await series(metrics.attempts)).toEqual(['webhook/raw/failure=0', 'webhook/raw/no_request=0', 'webhook/raw/success=0', 'webhook/slack/failure=0', 'webhook/slack/no_request=0', 'webhook/slack/success=0']);
    expect(await series(metrics.completed)).toEqual(['webhook/raw/failed=0', 'webhook/raw/succeeded=0', 'webhook/slack/failed=0', 'webhook/slack/succeeded=0']);
    expect(await series(metrics.retriesScheduled)).toEqual(['webhook/1h=0', 'webhook/1s=0']);
    expect(await series(metrics.held)).toEqual(['webhook=0']);
    expect(await series(metrics.rateLimited)).toEqual(['webhook/deferred=0', 'webhook/waited=0']);
  });
});

describe('DeliveryOutcomes.holdBack', () => {
  it('parks the job as the same attempt until it is due back, and shows it pending until then', async () => {
    const sent: { topic: string; headers: unknown; value: DeliveryJob }[] = [];
    const deferred: [string, number, number][] = [];
    const producer = { send: async (topic: string, [m]: { value: string; headers: unknown }[]) => void sent.push({ topic, headers: m.headers, value: JSON.parse(m.value) }) } as unknown as KafkaProducer;
    const deliveries = { recordDeferred: async (ref: DeliveryRef, attemptsMade: number, at: Date) => void deferred.push([ref.id, attemptsMade, at.getTime()]) } as unknown as DeliveryRepository;
    const tiers = [{ name: '5s', delayMs: 5_000, topic: 'herald.retry.5s.v1' }];
    const outcomes = new DeliveryOutcomes(deliveries, producer, {} as DeadLetters, new DeliveryMetrics(new Registry(), { HERALD_METRICS_FAILING_DESTINATIONS: 0 }), tiers);
    await outcomes.holdBack({ ...job, spill_seq: 3 }, 'herald.deliveries.webhook.v1', 5_000, 1_000);
    expect(sent).toEqual([{ topic: 'herald.retry.5s.v1', headers: { 'herald-due-at': '6000', 'herald-return-to': 'herald.deliveries.webhook.v1', 'herald-ordering-key': '' }, value: { ...job } }]);
    expect(deferred).toEqual([[job.delivery_id, 1, 6_000]]);
  });
});
