import { Logger } from '@nestjs/common';
import { aJob, aMessage, anEvent, answered, timedOut } from '../../test/factories';
import { aSender } from '../../test/fakes';
import { deeplyNestedData } from '../../test/data';

const deliver = (sender: ReturnType<typeof aSender>, job: ReturnType<typeof aJob>, offset = 0) => sender.service.deliver(job, aMessage(job, offset));

describe('WebhookDeliveryService.deliver', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('sends, classifies and records a delivery', async () => {
    const sender = aSender();
    await deliver(sender, aJob(1));
    expect(sender.sent).toHaveLength(1);
    expect(sender.fakes.calls).toEqual([['record', 'msg_1', 'succeeded', null]]);
  });

  it('fails a delivery whose webhook is gone without a request', async () => {
    const sender = aSender();
    await deliver(sender, aJob(1, { destination: { kind: 'webhook', id: 'wh_deleted' } }));
    expect(sender.sent).toHaveLength(0);
    expect(sender.fakes.calls).toEqual([['record', 'msg_1', 'failed', 'webhook no longer exists']]);
  });

  it.each(['raw', 'slack'])('fails for good, with the reason, a %s delivery whose request cannot be built, and quarantines it as it came', async (format) => {
    const sender = aSender();
    sender.webhooks.rows.get('wh_1')!.format = format;
    const job = aJob(1, { event: { ...aJob().event, data: deeplyNestedData(100_000) } });
    await deliver(sender, job, 42);
    if (format === 'slack') {
      // The chat formats preview deep data; only the signed raw body needs all of it.
      expect(sender.fakes.calls).toEqual([['record', 'msg_1', 'succeeded', null]]);
      return;
    }
    expect(sender.sent).toHaveLength(0);
    expect(sender.fakes.of('quarantine')).toEqual([['quarantine', 'stack_overflow', '42']]);
    expect(sender.fakes.of('emit')).toEqual([['emit', 'delivery.exhausted']]);
    expect(sender.fakes.of('record')).toEqual([['record', 'msg_1', 'failed', expect.stringMatching(/^request could not be prepared: event data is nested too deeply/)]]);
  });

  it('fails fast after three timeouts in a row: later deliveries go to their retry without a request', async () => {
    const sender = aSender({ HERALD_BREAKER_CONSECUTIVE_FAILURES: '3' });
    sender.answerWith(async () => timedOut());
    for (let n = 1; n <= 5; n++) await deliver(sender, aJob(n), n);
    expect(sender.sent).toHaveLength(3);
    expect(sender.fakes.of('record').map(([, id, status, error]) => [id, status, error])).toEqual([
      ['msg_1', 'pending', 'timed out after 10000 ms'],
      ['msg_2', 'pending', 'timed out after 10000 ms'],
      ['msg_3', 'pending', 'timed out after 10000 ms'],
      ['msg_4', 'pending', 'circuit breaker open: no request sent'],
      ['msg_5', 'pending', 'circuit breaker open: no request sent'],
    ]);
    expect(sender.webhooks.rows.get('wh_1')!.consecutiveFailures).toBe(5);
  });

  it('closes the breaker for deliveries a resume replayed, before sending them (read-your-writes)', async () => {
    const sender = aSender({ HERALD_BREAKER_CONSECUTIVE_FAILURES: '1', HERALD_BREAKER_RESET_MS: '3600000' });
    sender.answerWith(async () => timedOut());
    await deliver(sender, aJob(1));
    sender.answerWith(async () => answered(200));
    await deliver(sender, aJob(2));
    expect(sender.sent).toHaveLength(1); // open: msg_2 went nowhere

    // An operator resumed the webhook a moment later; its held deliveries carry the resume.
    jest.advanceTimersByTime(10);
    await deliver(sender, aJob(3, { resumed_at: Date.now() }));
    expect(sender.sent).toHaveLength(2);
    expect(sender.fakes.of('record').at(-1)).toEqual(['record', 'msg_3', 'succeeded', null]);
  });

  it('leaves a resume older than the endpoint state alone', async () => {
    const sender = aSender({ HERALD_BREAKER_CONSECUTIVE_FAILURES: '1', HERALD_BREAKER_RESET_MS: '3600000' });
    const resumedAt = Date.now() - 1;
    sender.answerWith(async () => timedOut());
    await deliver(sender, aJob(1));
    await deliver(sender, aJob(2, { resumed_at: resumedAt }));
    expect(sender.sent).toHaveLength(1);
  });

  it('pauses after pause_after_failures failed attempts in a row: retries and fast-fails count, a success starts the count again', async () => {
    const sender = aSender({ HERALD_BREAKER_CONSECUTIVE_FAILURES: '2', HERALD_BREAKER_VOLUME: '100' });
    const row = sender.webhooks.rows.get('wh_1')!;
    row.pauseAfterFailures = 4;
    sender.answerWith(async () => timedOut());
    await deliver(sender, aJob(1));
    sender.answerWith(async () => answered(200));
    await deliver(sender, aJob(2));
    expect(row.consecutiveFailures).toBe(0);

    sender.answerWith(async () => timedOut());
    await deliver(sender, aJob(3)); // one delivery, tried twice: two failed attempts, and its breaker opens
    await deliver(sender, aJob(3, { attempt: 2 }));
    await deliver(sender, aJob(4)); // failing fast is a failure too
    expect(sender.sent).toHaveLength(4);
    expect([row.consecutiveFailures, row.pausedAt]).toEqual([3, null]);
    await deliver(sender, aJob(5));
    expect(row.consecutiveFailures).toBe(4);
    expect(row.pausedAt).not.toBeNull();
    expect(sender.fakes.of('emit')).toEqual([['emit', 'webhook.paused']]);
  });

  it('admits a delivery nothing can hold back at once; one with something to check (here a rate limit) in turn', async () => {
    const sender = aSender();
    const endpoint = (await sender.endpoints.get(aJob(1)))!;
    expect(sender.admissions.admit(aJob(1), endpoint)).toBe('send');
    endpoint.settings = { ...endpoint.settings, rateLimit: 1000 };
    const inTurn = sender.admissions.admit(aJob(2), endpoint);
    expect(inTurn).toBeInstanceOf(Promise);
    await expect(inTurn).resolves.toBe('send');
  });

  it('holds deliveries while the webhook is paused', async () => {
    const sender = aSender();
    sender.webhooks.rows.get('wh_1')!.pausedAt = new Date();
    sender.fakes.held.add('paused');
    await deliver(sender, aJob(1));
    expect(sender.sent).toHaveLength(0);
    expect(sender.fakes.calls).toEqual([]);
    expect(sender.fakes.held.has('msg_1')).toBe(true);
  });

  describe('ordering per key', () => {
    const keyed = (n: number, key: string, attempt = 1) => aJob(n, { attempt, event: { ...anEvent, ordering_key: key } });

    it('a retried delivery holds back only its own key: later ones of it leave behind it, other keys go, and it goes first when back', async () => {
      const sender = aSender();
      sender.answerWith(async (request) => answered(request.headers['webhook-id'] === 'msg_1' && sender.sent.length === 1 ? 500 : 204));
      await deliver(sender, keyed(1, 'a'), 1); // fails: retry scheduled
      await deliver(sender, keyed(2, 'a'), 2); // held back behind msg_1, no request
      await deliver(sender, keyed(3, 'b'), 3); // another key: goes
      expect(sender.sent.map((r) => r.headers['webhook-id'])).toEqual(['msg_1', 'msg_3']);
      expect(sender.fakes.of('retry')).toEqual([['retry', 'msg_1', expect.any(Number)]]);
      // Held back until msg_1 is due again (its 5 s retry), not sooner than a spill delay.
      expect(sender.fakes.of('holdBack')).toEqual([['holdBack', 'msg_2', expect.any(Number)]]);
      const [, , heldFor] = sender.fakes.of('holdBack')[0] as [string, string, number];
      expect(heldFor).toBeGreaterThanOrEqual(4_500);
      // msg_2 comes back before msg_1 is done: still behind it.
      await deliver(sender, keyed(2, 'a'), 4);
      expect(sender.fakes.of('holdBack')).toHaveLength(2);
      // msg_1's retry succeeds; then msg_2 goes.
      await deliver(sender, keyed(1, 'a', 2), 5);
      await deliver(sender, keyed(2, 'a'), 6);
      expect(sender.sent.map((r) => r.headers['webhook-id'])).toEqual(['msg_1', 'msg_3', 'msg_1', 'msg_2']);
    });

    it('endpoint ordering keeps today\'s behaviour: a retry leaves and holds nothing back', async () => {
      const sender = aSender();
      sender.webhooks.rows.get('wh_1')!.ordering = 'endpoint';
      sender.answerWith(async () => answered(sender.sent.length === 1 ? 500 : 204));
      await deliver(sender, keyed(1, 'a'), 1);
      await deliver(sender, keyed(2, 'a'), 2);
      expect(sender.sent.map((r) => r.headers['webhook-id'])).toEqual(['msg_1', 'msg_2']);
      expect(sender.fakes.of('holdBack')).toEqual([]);
    });
  });
});
