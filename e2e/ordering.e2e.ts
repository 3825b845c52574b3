import { deliveryId } from '@herald/deliveries';
import { DeliveryRepository, WebhookRepository, type NewWebhook } from '@herald/persistence';
import { generateSecret } from '@herald/signing';
import { eventually, startReceiver, type ReceivedRequest } from '@herald/testing';
import { startHungServer } from './support/hung-server';
import { suitePorts } from './support/stack';
import { endToEnd } from './support/suite';

/**
 * Order per key through the four real services and a real receiver: a key whose delivery is being retried holds
 * back only that key's later deliveries; other keys to the same endpoint go meanwhile; `endpoint` ordering keeps
 * every delivery in order, one at a time.
 */
const PORT_BASE = suitePorts(4800);

describe('delivery ordering', () => {
  const suite = endToEnd({ portBase: PORT_BASE });
  const { dataSource, org, publish } = suite;
  const webhook = (hook: NewWebhook) => new WebhookRepository(dataSource).create(hook, generateSecret());
  const idOf = (request: ReceivedRequest) => (JSON.parse(request.body) as { id: string }).id;

  it('a key whose first delivery fails three times still goes before its later events, while other keys pass it', async () => {
    await org('org_keys');
    const others = ['b-1', 'b-2', 'b-3', 'u-1'];
    let failuresOfA1 = 0;
    // a-1 fails its first three attempts, and keeps failing until every other key's events have arrived: were
    // they held behind a-1, it would fail until its schedule ran out, and the test with it.
    const target = await startReceiver((request, index) => {
      if (idOf(request) !== 'a-1') return { status: 204 };
      const othersArrived = others.every((id) => target.requests.slice(0, index).some((r) => idOf(r) === id));
      if (failuresOfA1 < 3 || !othersArrived) return failuresOfA1++, { status: 500, body: 'not yet' };
      return { status: 204 };
    });
    try {
      // Every type, deployment.started (off by default) included.
      await webhook({ id: 'wh_keys', orgId: 'org_keys', url: target.url, retrySchedule: Array(10).fill('1s'), eventTypes: ['*'] });
      await publish(
        'org_keys',
        // Keyed by the catalog's default for deployment events: the deployment id.
        { id: 'a-1', type: 'deployment.started', data: { deployment_id: 'dep_a' } },
        { id: 'a-2', type: 'deployment.completed', data: { deployment_id: 'dep_a' } },
        // Keyed by the producer.
        { id: 'b-1', type: 'deploy.failed', ordering_key: 'b' },
        { id: 'b-2', type: 'deploy.failed', ordering_key: 'b' },
        { id: 'b-3', type: 'deploy.failed', ordering_key: 'b' },
        { id: 'u-1', type: 'deploy.failed' },
      );
      // Three failed attempts of a-1, its success, and one each for the five others.
      const requests = await target.waitForRequests(3 + 1 + 5, 60_000);
      const ids = requests.map(idOf);
      const a1Requests = ids.flatMap((id, i) => (id === 'a-1' ? [i] : []));
      const success = a1Requests[a1Requests.length - 1];
      expect(a1Requests.length).toBeGreaterThanOrEqual(4);
      // a-2 was never tried before a-1 got through.
      expect(ids.indexOf('a-2')).toBeGreaterThan(success);
      // The other keys did not wait for a-1, and b's events kept their order.
      for (const id of others) expect(ids.indexOf(id)).toBeLessThan(success);
      expect(ids.filter((id) => id.startsWith('b-'))).toEqual(['b-1', 'b-2', 'b-3']);
      expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(['a-1', 'a-2', ...others].map((id) => deliveryId({ org_id: 'org_keys', id }, 'wh_keys'))));
    } finally {
      await target.close();
    }
  }, 120_000);

  it('endpoint ordering keeps every delivery in order, one at a time, whatever their keys', async () => {
    await org('org_fifo');
    let inFlight = 0;
    let most = 0;
    const target = await startReceiver(() => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => inFlight--, 5);
      return { status: 204, delayMs: 5 };
    });
    try {
      await webhook({ id: 'wh_fifo', orgId: 'org_fifo', url: target.url, ordering: 'endpoint' });
      const events = Array.from({ length: 30 }, (_, i) => ({ id: `f-${String(i).padStart(2, '0')}`, type: 'deploy.failed', ordering_key: `k${i % 7}` }));
      await publish('org_fifo', ...events);
      const requests = await target.waitForRequests(events.length, 60_000);
      expect(requests.map(idOf)).toEqual(events.map((e) => e.id));
      expect(most).toBe(1);
    } finally {
      await target.close();
    }
  }, 120_000);

  it('a hung endpoint with key ordering holds at most its max_in_flight requests, and costs its neighbours nothing', async () => {
    await org('org_hung_keys');
    const hung = await startHungServer();
    const healthy = await startReceiver();
    try {
      const timeoutMs = 30_000;
      await webhook({ id: 'wh_hung_keys', orgId: 'org_hung_keys', url: hung.url, timeoutMs, retrySchedule: ['1h'], maxInFlight: 4 });
      await webhook({ id: 'wh_ok_keys', orgId: 'org_hung_keys', url: healthy.url });
      const events = Array.from({ length: 40 }, (_, i) => ({ id: `h-${i}`, type: 'deploy.failed', ordering_key: `k${i % 10}` }));
      await publish('org_hung_keys', ...events);
      await healthy.waitForRequests(events.length, 60_000);
      // Every healthy delivery is in while the hung endpoint's first requests still wait out their timeout: only four
      // of them went out, and none has come back yet.
      const deliveries = new DeliveryRepository(dataSource);
      const hungIds = events.map((e) => deliveryId({ org_id: 'org_hung_keys', id: e.id }, 'wh_hung_keys'));
      const attempted = await Promise.all(hungIds.map(async (id) => (await deliveries.attempts(id)).length));
      expect(attempted.every((n) => n === 0)).toBe(true);
      await eventually(() => (hung.requests() === 4 ? true : undefined), 20_000);
      expect(hung.requests()).toBe(4);
    } finally {
      await Promise.all([hung.close(), healthy.close()]);
    }
  }, 120_000);
});
