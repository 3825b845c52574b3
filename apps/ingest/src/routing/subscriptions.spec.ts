import type { EmailChannelRepository, OrgRepository, WebhookRepository } from '@herald/persistence';
import { SubscriptionCache } from './subscriptions';

/** Repositories over an in-memory org whose webhooks and version the test changes. */
function fakeOrg() {
  const state = { version: '0', webhooks: [] as string[], versionReads: 0, listReads: 0 };
  const webhooks = {
    listForOrg: async () => {
      state.listReads++;
      return state.webhooks.map((id) => ({ id, eventTypes: [], projectIds: [], enabled: true, filter: null }));
    },
  } as unknown as WebhookRepository;
  const emailChannels = {
    listForOrg: async () => [{ id: 'ec_prod', eventTypes: ['deploy.failed'], projectIds: ['prj_1'], enabled: true, filter: { data: { environment: 'production' } } }],
  } as unknown as EmailChannelRepository;
  const orgs = {
    subscriptionsVersion: async () => {
      state.versionReads++;
      return state.version;
    },
    eventTypeToggles: async () => new Map(),
  } as unknown as OrgRepository;
  return { state, cache: new SubscriptionCache(webhooks, emailChannels, orgs) };
}

const ids = (subs: { subscriptions: { id: string; kind: string }[] }) => subs.subscriptions.filter((s) => s.kind === 'webhook').map((s) => s.id);

describe('SubscriptionCache', () => {
  it('reuses the lists while the version stands, and reads them again once it moved', async () => {
    const { state, cache } = fakeOrg();
    expect(ids(await cache.forOrg('org', { receivedAt: Date.now() }))).toEqual([]);
    expect(ids(await cache.forOrg('org', { receivedAt: Date.now() + 1 }))).toEqual([]);
    expect(state.listReads).toBe(1);

    state.webhooks.push('wh_new');
    state.version = '1';
    expect(ids(await cache.forOrg('org', { receivedAt: Date.now() + 2 }))).toEqual(['wh_new']);
    expect(state.listReads).toBe(2);
  });

  it('checks the version for an event received after the last check, not for one received before it', async () => {
    const { state, cache } = fakeOrg();
    const before = Date.now() - 1_000;
    await cache.forOrg('org', { receivedAt: before });
    await cache.forOrg('org', { receivedAt: before });
    expect(state.versionReads).toBe(1);
    await cache.forOrg('org', { receivedAt: Date.now() + 1_000 });
    expect(state.versionReads).toBe(2);
  });

  it("trusts the cache for an event whose recorded version it already covers, and reads the lists again for a newer one", async () => {
    const { state, cache } = fakeOrg();
    state.version = '7';
    await cache.forOrg('org', { receivedAt: Date.now() });
    const later = Date.now() + 1_000;
    expect(ids(await cache.forOrg('org', { receivedAt: later, recordedVersion: '7' }))).toEqual([]);
    expect(ids(await cache.forOrg('org', { receivedAt: later + 1, recordedVersion: '6' }))).toEqual([]);
    expect([state.versionReads, state.listReads]).toEqual([1, 1]);

    state.webhooks.push('wh_new');
    state.version = '8';
    // The insert's read of version 8 began after this event came in: lists read from now on are new enough.
    expect(ids(await cache.forOrg('org', { receivedAt: later + 2, recordedVersion: '8' }))).toEqual(['wh_new']);
    expect([state.versionReads, state.listReads]).toEqual([1, 2]);
  });

  it("reads an org's lists once for its first events, without a version query, when their inserts recorded its version", async () => {
    const { state, cache } = fakeOrg();
    state.webhooks.push('wh_a');
    state.version = '3';
    const receivedAt = Date.now();
    const routed = await Promise.all([1, 2, 3].map(() => cache.forOrg('org', { receivedAt, recordedVersion: '3' })));
    expect(routed.map(ids)).toEqual([['wh_a'], ['wh_a'], ['wh_a']]);
    expect([state.versionReads, state.listReads]).toEqual([0, 1]);
    // An event without a recorded version still has the version read; the lists, labelled 3, still stand.
    await cache.forOrg('org', { receivedAt: receivedAt + 1_000 });
    expect([state.versionReads, state.listReads]).toEqual([1, 1]);
  });

  it('reads the version as before when the recorded one is not a count', async () => {
    const { state, cache } = fakeOrg();
    await cache.forOrg('org', { receivedAt: Date.now() });
    await cache.forOrg('org', { receivedAt: Date.now() + 1_000, recordedVersion: 'seven' });
    await cache.forOrg('org', { receivedAt: Date.now() + 2_000, recordedVersion: '1'.repeat(40) });
    expect(state.versionReads).toBe(3);
  });

  it('carries each destination\'s filter with its other subscription columns', async () => {
    const { state, cache } = fakeOrg();
    state.webhooks.push('wh_all');
    const { subscriptions } = await cache.forOrg('org', { receivedAt: Date.now() });
    expect(subscriptions).toEqual([
      { kind: 'webhook', id: 'wh_all', eventTypes: [], projectIds: [], enabled: true, filter: null },
      { kind: 'email', id: 'ec_prod', eventTypes: ['deploy.failed'], projectIds: ['prj_1'], enabled: true, filter: { data: { environment: 'production' } } },
    ]);
  });
});
