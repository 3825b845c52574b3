import type { DataSource } from 'typeorm';
import type { HeraldEvent } from '@herald/events';
import { createDataSource, runMigrations } from '../data-source';
import { OrgRepository } from '../org/org.repository';
import { EventLogRepository } from './event-log.repository';

const anEvent = (id: string, data: Record<string, unknown> = { n: 1 }): HeraldEvent => ({
  id,
  type: 'deploy.failed',
  org_id: 'org_el',
  project_id: null,
  occurred_at: '2026-12-01T00:00:00.000Z',
  created_at: '2026-12-01T00:00:01.000Z',
  data,
  ordering_key: `dep_${id}`,
});

/** Against real PostgreSQL: concurrent intakes share one insert, and each learns what became of its own event. */
describe('event log', () => {
  let ds: DataSource;
  let log: EventLogRepository;

  beforeAll(async () => {
    ds = await createDataSource(process.env.DATABASE_URL!, 2).initialize();
    await runMigrations(ds);
    await new OrgRepository(ds).upsert('org_el');
    await ds.query(`UPDATE orgs SET subscriptions_version = 41 WHERE id = 'org_el'`);
    log = new EventLogRepository(ds);
  });

  afterAll(() => ds.destroy());

  it('records concurrent events together: new ones once, a repeated id as already there, and a value the database refuses fails only its event', async () => {
    await log.recordOnce(anEvent('ev_el_old'));
    await log.markPublished(anEvent('ev_el_old'));
    const results = await Promise.allSettled([
      log.recordOnce(anEvent('ev_el_1')),
      log.recordOnce(anEvent('ev_el_1')),
      log.recordOnce(anEvent('ev_el_old')),
      // PostgreSQL's jsonb cannot hold \u0000.
      log.recordOnce(anEvent('ev_el_bad', { text: 'a\u0000b' })),
      log.recordOnce(anEvent('ev_el_2')),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.published : (r.reason as { code?: string }).code))).toEqual([false, false, true, '22P05', false]);
    expect(results[0]).toMatchObject({ value: { event: anEvent('ev_el_1') } });
    expect(results[1]).toMatchObject({ value: { event: anEvent('ev_el_1') } }); // read back: not yet published
    // A new event learns its org's subscriptions version as the insert read it; a repeated id does not.
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.subscriptionsVersion : 'failed'))).toEqual(['41', null, null, 'failed', '41']);
    const stored = await ds.query(`SELECT id, ordering_key, data FROM events WHERE org_id = 'org_el' ORDER BY id`);
    expect(stored).toEqual([
      { id: 'ev_el_1', ordering_key: 'dep_ev_el_1', data: { n: 1 } },
      { id: 'ev_el_2', ordering_key: 'dep_ev_el_2', data: { n: 1 } },
      { id: 'ev_el_old', ordering_key: 'dep_ev_el_old', data: { n: 1 } },
    ]);
  });

  it("reads the org's subscriptions version in the insert itself, so a change committed before the event arrived is seen", async () => {
    await ds.query(`UPDATE orgs SET subscriptions_version = subscriptions_version + 1 WHERE id = 'org_el'`);
    const recorded = await log.recordOnce(anEvent('ev_el_after_change'));
    expect(recorded.subscriptionsVersion).toBe('42');
  });
});
