import { deliveryId, DeliveryControl } from '@herald/deliveries';
import { KafkaProducer, Topics } from '@herald/kafka';
import { DeliveryRepository, WebhookRepository, type NewWebhook } from '@herald/persistence';
import { generateSecret, verifyWebhook, type SignatureScheme } from '@herald/signing';
import { eventually, readTopic } from '@herald/testing';
import { scrape, total } from './support/metrics';
import { servicesModule, stackEnv, suitePorts } from './support/stack';
import { endToEnd } from './support/suite';

/**
 * The delivery engine through the four real services: retry schedule, circuit breaker,
 * auto-pause with held deliveries and ordered replay, and a kill -9 of the sender mid-flight.
 */
const PORT_BASE = suitePorts(4200);
const ENGINE_ENV = { HERALD_BREAKER_VOLUME: '5', HERALD_BREAKER_WINDOW_MS: '30000', HERALD_BREAKER_RESET_MS: '60000', HERALD_BREAKER_CONSECUTIVE_FAILURES: '3' };

describe('webhook delivery engine', () => {
  const suite = endToEnd({ portBase: PORT_BASE, env: ENGINE_ENV });
  const { kafka, dataSource, receiver, org, publish } = suite;
  const webhook = (hook: NewWebhook) => new WebhookRepository(dataSource).create(hook, generateSecret());

  it('delivers every format and signing scheme, each verifiable by its receiver', async () => {
    await org('org_formats');
    const target = await receiver();
    const secrets = new Map<string, string>();
    const schemes: SignatureScheme[] = ['standard', 'hmac-sha256', 'timestamped', 'github'];
    for (const scheme of schemes) {
      const secret = generateSecret();
      secrets.set(scheme, secret);
      await new WebhookRepository(dataSource).create({ id: `wh_raw_${scheme}`, orgId: 'org_formats', url: `${target.url}/raw/${scheme}`, signingScheme: scheme }, secret);
    }
    for (const format of ['slack', 'teams', 'discord']) await webhook({ id: `wh_${format}`, orgId: 'org_formats', url: `${target.url}/${format}`, format });
    await publish('org_formats', { id: 'fmt-1', type: 'deploy.failed', data: { environment: 'production', error: 'exit 1', url: 'https://example.com/d/1' } });

    const requests = await target.waitForRequests(7, 30_000);
    const byPath = new Map(requests.map((r) => [r.path, r]));
    for (const scheme of schemes) {
      const request = byPath.get(`/raw/${scheme}`)!;
      expect(JSON.parse(request.body)).toMatchObject({ id: 'fmt-1', type: 'deploy.failed', org_id: 'org_formats' });
      expect(verifyWebhook({ scheme, secret: secrets.get(scheme)!, headers: request.headers, body: request.body })).toBe(true);
      expect(() => verifyWebhook({ scheme, secret: generateSecret(), headers: request.headers, body: request.body })).toThrow();
    }
    const slack = JSON.parse(byPath.get('/slack')!.body);
    expect(slack.blocks[0]).toMatchObject({ type: 'header' });
    expect(JSON.stringify(slack)).toContain('production');
    const teams = JSON.parse(byPath.get('/teams')!.body);
    expect(teams).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }] });
    const discord = JSON.parse(byPath.get('/discord')!.body);
    expect(discord.embeds[0]).toMatchObject({ color: 0xe74c3c });
    for (const format of ['slack', 'teams', 'discord']) {
      const headers = byPath.get(`/${format}`)!.headers;
      expect(headers['webhook-signature']).toBeUndefined();
      expect(headers['x-herald-signature']).toBeUndefined();
      expect(headers['webhook-id']).toBe(deliveryId({ org_id: 'org_formats', id: 'fmt-1' }, `wh_${format}`));
    }
  }, 60_000);

  it('spaces deliveries by the webhook\'s rate limit, each still one attempt', async () => {
    await org('org_rate');
    const target = await receiver();
    // One at a time (endpoint ordering): each delivery asks for its slot when the one before it has gone.
    await webhook({ id: 'wh_rate', orgId: 'org_rate', url: target.url, rateLimit: 4, ordering: 'endpoint' });
    const count = 14;
    await publish('org_rate', ...Array.from({ length: count }, (_, i) => ({ id: `rl-${i}`, type: 'deploy.failed' })));

    const requests = await target.waitForRequests(count, 30_000);
    const ids = Array.from({ length: count }, (_, i) => deliveryId({ org_id: 'org_rate', id: `rl-${i}` }, 'wh_rate'));
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
    // Four a second: slots are 250 ms apart and a request never leaves before its slot, only after it (a busy
    // machine delays any of them). So the n-th arrival is at least (n - 1) slots after the first, allowing the
    // first one a slot of lateness; unlimited, they would all arrive within milliseconds.
    const times = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    times.forEach((t, n) => expect(t - times[0]).toBeGreaterThanOrEqual(Math.max(0, n - 1) * 250));
    // Waiting for a slot is not an attempt.
    const deliveries = new DeliveryRepository(dataSource);
    await eventually(async () => ((await Promise.all(ids.map((id) => deliveries.findById(id)))).every((d) => d?.status === 'succeeded') ? true : undefined));
    for (const id of ids) expect((await deliveries.attempts(id)).map((a) => a.attempt)).toEqual([1]);
    const sender = await scrape(suite.stack.services.find((s) => s.name === 'webhook-sender')!.url);
    // One delivery at a time (endpoint ordering): each asks for its slot when the one
    // before it has gone, so its slot is at most 250 ms away and it waits in place (unless its predecessor
    // itself took that long); nothing is deferred.
    expect(total(sender, 'herald_deliveries_rate_limited_total', { action: 'waited' })).toBeGreaterThanOrEqual(count / 2);
    expect(total(sender, 'herald_deliveries_rate_limited_total', { action: 'deferred' })).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(target.requests).toHaveLength(count);
  }, 60_000);

  it('retries 500, 500, 500 on the schedule and delivers on the fourth attempt with one webhook-id', async () => {
    await org('org_retry');
    const target = await receiver((i) => (i < 3 ? { status: 500, body: `fail ${i}` } : { status: 204 }));
    await webhook({ id: 'wh_retry', orgId: 'org_retry', url: target.url, retrySchedule: ['1s', '2s', '4s'] });
    await publish('org_retry', { id: 'r-1', type: 'deploy.failed' });

    const requests = await target.waitForRequests(4, 30_000);
    const gaps = requests.slice(1).map((r, i) => r.receivedAt - requests[i].receivedAt);
    [1000, 2000, 4000].forEach((due, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(due * 0.9 - 50);
      expect(gaps[i]).toBeLessThanOrEqual(due * 1.1 + 1500);
    });
    const id = deliveryId({ org_id: 'org_retry', id: 'r-1' }, 'wh_retry');
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);

    const deliveries = new DeliveryRepository(dataSource);
    const attempts = await eventually(async () => ((await deliveries.findById(id))?.status === 'succeeded' ? deliveries.attempts(id) : undefined));
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.succeeded])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
      [4, 204, true],
    ]);
    expect(attempts.map((a) => a.responseBody)).toEqual(['fail 0', 'fail 1', 'fail 2', '']);
  }, 60_000);

  it('fails a delivery for good after its last retry: dead-letter topic, failed status, delivery.exhausted event', async () => {
    await org('org_exhaust');
    const target = await receiver(() => ({ status: 404, body: 'no such hook' }));
    // 4xx are retried unless the webhook makes them final: here one retry, then the schedule is used up.
    await webhook({ id: 'wh_exhaust', orgId: 'org_exhaust', url: target.url, retrySchedule: ['1s'], eventTypes: ['deploy.failed'] });
    await publish('org_exhaust', { id: 'x-1', type: 'deploy.failed' });
    await target.waitForRequests(2, 20_000);

    const id = deliveryId({ org_id: 'org_exhaust', id: 'x-1' }, 'wh_exhaust');
    const deliveries = new DeliveryRepository(dataSource);
    await eventually(async () => ((await deliveries.findById(id))?.status === 'failed' ? true : undefined), 20_000);
    const dead = await readTopic(kafka, Topics.dead, (seen) => seen.some((m) => m.value?.toString().includes(id)), 20_000);
    expect(dead.find((m) => m.value?.toString().includes(id))!.headers['herald-reason']).toBe('HTTP 404');
    const accepted = await readTopic(kafka, Topics.accepted, (seen) => seen.some((m) => m.value?.toString().includes('"delivery.exhausted"') && m.value.toString().includes(id)), 20_000);
    const exhausted = JSON.parse(accepted.find((m) => m.value?.toString().includes('"delivery.exhausted"') && m.value.toString().includes(id))!.value!.toString());
    expect(exhausted).toMatchObject({ type: 'delivery.exhausted', org_id: 'org_exhaust', data: { delivery_id: id, webhook_id: 'wh_exhaust', attempts: 2, error: 'HTTP 404' } });
    // With client errors final, a 404 ends it on the first attempt.
    const final = await receiver(() => ({ status: 404 }));
    await webhook({ id: 'wh_final', orgId: 'org_exhaust', url: final.url, retrySchedule: ['1s'], clientErrorsFinal: true, eventTypes: ['deploy.succeeded'] });
    await publish('org_exhaust', { id: 'x-2', type: 'deploy.succeeded' });
    const finalId = deliveryId({ org_id: 'org_exhaust', id: 'x-2' }, 'wh_final');
    await eventually(async () => ((await deliveries.findById(finalId))?.status === 'failed' ? true : undefined), 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(final.requests).toHaveLength(1);
  }, 60_000);

  it('trips the breaker of a hanging endpoint while a healthy one of the same org keeps receiving', async () => {
    await org('org_breaker');
    const hanging = await receiver(() => ({ status: 200, delayMs: 20_000 }));
    const healthy = await receiver();
    // One request at a time (endpoint ordering), so the breaker's count of timeouts in a row is exact.
    await webhook({ id: 'wh_hanging', orgId: 'org_breaker', url: hanging.url, timeoutMs: 1000, retrySchedule: ['1h'], pauseAfterFailures: 100, ordering: 'endpoint' });
    await webhook({ id: 'wh_healthy', orgId: 'org_breaker', url: healthy.url });

    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const sentAt = Date.now();
      await publish('org_breaker', { id: `b-${i}`, type: 'deploy.failed' });
      const [request] = (await healthy.waitForRequests(i + 1, 10_000)).slice(i);
      latencies.push(request.receivedAt - sentAt);
      await new Promise((r) => setTimeout(r, 400));
    }
    // The healthy endpoint never waited on the hanging one's 1 s timeouts.
    expect(Math.max(...latencies)).toBeLessThan(900);

    const deliveries = new DeliveryRepository(dataSource);
    const errors = await eventually(async () => {
      const all = await Promise.all(Array.from({ length: 10 }, (_, i) => deliveries.attempts(deliveryId({ org_id: 'org_breaker', id: `b-${i}` }, 'wh_hanging'))));
      const flat = all.flat();
      return flat.length === 10 ? flat.map((a) => a.error) : undefined;
    }, 20_000);
    const timedOut = errors.filter((e) => e?.includes('timed out'));
    const skipped = errors.filter((e) => e?.startsWith('circuit breaker open'));
    // Three timeouts in a row open it (HERALD_BREAKER_CONSECUTIVE_FAILURES), well below HERALD_BREAKER_VOLUME.
    expect(timedOut.length).toBe(3);
    expect(skipped.length).toBe(7);
    // Only the attempts before the breaker opened reached the hanging endpoint.
    expect(hanging.requests.length).toBe(timedOut.length);
  }, 60_000);

  it('pauses after ten consecutive failures, holds what arrives, and replays it in order on resume', async () => {
    await org('org_pause');
    let healthy = false;
    const target = await receiver(() => (healthy ? { status: 204 } : { status: 503 }));
    await webhook({ id: 'wh_pause', orgId: 'org_pause', url: target.url, retrySchedule: ['1h'], eventTypes: ['deploy.failed'], ordering: 'endpoint' });
    await publish('org_pause', ...Array.from({ length: 10 }, (_, i) => ({ id: `p-${i}`, type: 'deploy.failed' })));
    const webhooks = new WebhookRepository(dataSource);
    await eventually(async () => ((await webhooks.findById('wh_pause'))?.pausedAt ? true : undefined), 30_000);
    // Five requests failed, then the breaker opened and five more failed fast: ten in a row.
    const failedBeforePause = target.requests.length;
    expect(failedBeforePause).toBe(5);
    expect((await webhooks.findById('wh_pause'))?.consecutiveFailures).toBe(10);

    const accepted = await readTopic(kafka, Topics.accepted, (seen) => seen.some((m) => m.value?.toString().includes('"webhook.paused"') && m.key === 'org_pause'), 20_000);
    const paused = JSON.parse(accepted.find((m) => m.value?.toString().includes('"webhook.paused"') && m.key === 'org_pause')!.value!.toString());
    expect(paused).toMatchObject({ type: 'webhook.paused', org_id: 'org_pause', data: { webhook_id: 'wh_pause' } });

    await publish('org_pause', ...[11, 12, 13].map((n) => ({ id: `p-${n}`, type: 'deploy.failed' })));
    const deliveries = new DeliveryRepository(dataSource);
    const heldIds = [11, 12, 13].map((n) => deliveryId({ org_id: 'org_pause', id: `p-${n}` }, 'wh_pause'));
    await eventually(async () => {
      const rows = await Promise.all(heldIds.map((id) => deliveries.findById(id)));
      return rows.every((row) => row?.status === 'held') ? true : undefined;
    }, 20_000);
    expect(target.requests).toHaveLength(failedBeforePause);

    healthy = true;
    const kafkaProducer = new KafkaProducer(kafka);
    await kafkaProducer.connect();
    const result = await new DeliveryControl(deliveries, kafkaProducer).resume('wh_pause');
    await kafkaProducer.disconnect();
    expect(result).toEqual({ replayed: 3 });

    const replayed = (await target.waitForRequests(failedBeforePause + 3, 20_000)).slice(failedBeforePause);
    expect(replayed.map((r) => JSON.parse(r.body).id)).toEqual(['p-11', 'p-12', 'p-13']);
    expect(replayed.map((r) => r.headers['webhook-id'])).toEqual(heldIds);
    expect((await webhooks.findById('wh_pause'))?.pausedAt).toBeNull();
  }, 90_000);

  it('loses nothing when the sender is killed with -9 mid-flight: every delivery arrives, duplicates share their webhook-id', async () => {
    await org('org_crash');
    const target = await receiver(() => ({ status: 204, delayMs: 5 }));
    const hooks = Array.from({ length: 10 }, (_, i) => `wh_crash_${i}`);
    for (const id of hooks) await webhook({ id, orgId: 'org_crash', url: target.url });
    await publish('org_crash', ...Array.from({ length: 100 }, (_, i) => ({ id: `c-${i}`, type: 'deploy.failed', data: { n: i } })));
    await target.waitForRequests(150, 60_000);
    await suite.stack.stopOne('webhook-sender', { signal: 'SIGKILL' });
    const killedAt = target.requests.length;
    const { startServices } = await servicesModule();
    const restarted = await startServices({ env: stackEnv(ENGINE_ENV), services: ['webhook-sender'], ports: { 'webhook-sender': PORT_BASE + 2 }, onLine: () => undefined });
    try {
      const expected = new Set(hooks.flatMap((hook) => Array.from({ length: 100 }, (_, i) => deliveryId({ org_id: 'org_crash', id: `c-${i}` }, hook))));
      await eventually(() => (new Set(target.requests.map((r) => r.headers['webhook-id'])).size === expected.size ? true : undefined), 120_000, 500);
      const byId = new Map<string, Set<string>>();
      for (const request of target.requests) {
        const id = String(request.headers['webhook-id']);
        expect(expected.has(id)).toBe(true);
        byId.set(id, (byId.get(id) ?? new Set()).add(request.body));
      }
      expect(byId.size).toBe(1000);
      // A duplicate is the same delivery again: same id, same bytes.
      expect([...byId.values()].every((bodies) => bodies.size === 1)).toBe(true);
      console.log(`kill -9 after ${killedAt} requests: ${target.requests.length} requests for 1000 deliveries (${target.requests.length - 1000} duplicates)`);
    } finally {
      await restarted.stop();
    }
  }, 180_000);
});
