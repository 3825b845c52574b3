import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../data-source';
import { EventLogRepository } from '../event-log/event-log.repository';
import { OrgRepository } from '../org/org.repository';
import { WebhookRepository } from '../webhook/webhook.repository';
import { DeliveryRepository, type AttemptRecord, type DeliveryRef } from './delivery.repository';

/** Against real PostgreSQL: the delivery log, holds, failure counting and retention. */
describe('delivery persistence', () => {
  let ds: DataSource;
  let deliveries: DeliveryRepository;
  let webhooks: WebhookRepository;

  const ref = (id: string, webhookId = 'wh_p'): DeliveryRef => ({ id, orgId: 'org_p', eventId: `evt_${id}`, eventType: 'deploy.failed', destinationKind: 'webhook', destinationId: webhookId });
  const attempt = (n: number, at = new Date(), succeeded = false): AttemptRecord => ({ attempt: n, attemptedAt: at, statusCode: succeeded ? 200 : 500, latencyMs: 3, responseBody: 'r', error: succeeded ? null : 'HTTP 500', succeeded });

  beforeAll(async () => {
    ds = await createDataSource(process.env.DATABASE_URL!, 4).initialize();
    await runMigrations(ds);
    await new OrgRepository(ds).upsert('org_p');
    webhooks = new WebhookRepository(ds);
    await webhooks.create({ id: 'wh_p', orgId: 'org_p', url: 'https://example.com', pauseAfterFailures: 3 }, 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA==');
    deliveries = new DeliveryRepository(ds);
  });

  afterAll(() => ds.destroy());

  it('writes concurrent records in batches, keeping the latest status per delivery', async () => {
    await Promise.all([
      ...Array.from({ length: 300 }, (_, i) => deliveries.recordAttempt(ref(`d${i}`), 'succeeded', attempt(1, new Date(), true), null)),
      deliveries.recordAttempt(ref('dx'), 'pending', attempt(1), new Date(Date.now() + 5000)),
    ]);
    await deliveries.recordAttempt(ref('dx'), 'succeeded', attempt(2, new Date(), true), null);
    expect((await deliveries.findById('d299'))?.status).toBe('succeeded');
    const dx = await deliveries.findById('dx');
    expect([dx?.status, dx?.attempts, dx?.nextAttemptAt]).toEqual(['succeeded', 2, null]);
    expect((await deliveries.attempts('dx')).map((a) => [a.attempt, a.succeeded])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(await Promise.all([1, 2, 3].map((n) => deliveries.hasAttempt('dx', n)))).toEqual([true, true, false]);
    expect(await deliveries.hasAttempt('d_unknown', 1)).toBe(false);
  });

  it('writes a record whole or not at all: a refused attempt leaves no state behind either', async () => {
    await expect(deliveries.recordAttempt(ref('torn'), 'failed', { ...attempt(1), latencyMs: Number.NaN }, null)).rejects.toThrow();
    expect(await deliveries.findById('torn')).toBeNull();
    expect(await deliveries.attempts('torn')).toEqual([]);
  });

  it('counts failures in a row and reports the pause exactly once', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => webhooks.recordFailure('wh_p')));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await webhooks.findById('wh_p'))?.pausedAt).not.toBeNull();
  });

  it('holds deliveries only while paused, and resume hands them over oldest first', async () => {
    const events = new EventLogRepository(ds);
    for (const id of ['h1', 'h2']) {
      const at = new Date().toISOString();
      await events.recordOnce({ id: `evt_${id}`, type: 'deploy.failed', org_id: 'org_p', project_id: null, occurred_at: at, created_at: at, data: { id } });
    }
    expect(await deliveries.holdIfPaused(ref('h1'), 0)).toBe(true);
    expect(await deliveries.holdIfPaused(ref('h2'), 2)).toBe(true);
    const handed: [string, number, unknown][] = [];
    const count = await deliveries.resumeWebhook('wh_p', async (held) => {
      handed.push(...held.map((h): [string, number, unknown] => [h.delivery.id, h.delivery.attempts, h.event.data]));
    });
    expect(count).toBe(2);
    expect(handed).toEqual([
      ['h1', 0, { id: 'h1' }],
      ['h2', 2, { id: 'h2' }],
    ]);
    expect((await webhooks.findById('wh_p'))?.pausedAt).toBeNull();
    expect((await deliveries.findById('h1'))?.status).toBe('pending');
    expect(await deliveries.holdIfPaused(ref('h3'), 0)).toBe(false);
  });

  it('deletes attempts older than the retention period, in chunks', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    await Promise.all(Array.from({ length: 25 }, (_, i) => deliveries.recordAttempt(ref(`old${i}`), 'failed', attempt(1, old), null)));
    const deleted = await deliveries.deleteAttemptsBefore(new Date(Date.now() - 30 * 86_400_000), 10);
    expect(deleted).toBe(25);
    expect(await deliveries.attempts('old0')).toEqual([]);
    expect(await deliveries.attempts('dx')).toHaveLength(2);
  });
});

