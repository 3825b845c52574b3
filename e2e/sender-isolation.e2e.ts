import { Partitioners } from 'kafkajs';
import { deliveryId, DeliveryControl } from '@herald/deliveries';
import { Headers, KafkaProducer, Topics } from '@herald/kafka';
import { DeliveryRepository, WebhookRepository, type NewWebhook } from '@herald/persistence';
import { generateSecret } from '@herald/signing';
import { eventually, readTopic } from '@herald/testing';
import { startHungServer } from './support/hung-server';
import { scrape, total } from './support/metrics';
import { suitePorts } from './support/stack';
import { endToEnd } from './support/suite';

/**
 * Nothing one delivery or one endpoint does stops the webhook sender for anyone else: poison jobs are failed with
 * their reason and quarantined while the partition's other deliveries flow; a hung endpoint fails fast after a few
 * timeouts, its overflow leaves the partition and comes back in order, and its deliveries end pending or held; a
 * resume closes the endpoint's breaker before the held deliveries go out.
 */
const PORT_BASE = suitePorts(5300);
const ISOLATION_ENV = {
  // Above the healthy endpoints' bursts (20), below the hung endpoint's backlog (200) and the bystander's (100).
  HERALD_ENDPOINT_MAX_QUEUED: '30',
  // Crowded from 50 unfinished deliveries a partition: the hung endpoint's backlog crowds its partition long before 10,000.
  HERALD_ENDPOINT_SPILL_CROWDED_AT: '50',
  HERALD_ENDPOINT_SPILL_DELAY: '2s',
  HERALD_BREAKER_CONSECUTIVE_FAILURES: '3',
  // Only a resume closes a breaker within these tests.
  HERALD_BREAKER_RESET_MS: '3600000',
};

describe('webhook sender isolation', () => {
  const suite = endToEnd({ portBase: PORT_BASE, env: ISOLATION_ENV });
  const { kafka, dataSource, receiver, org, publish } = suite;
  const webhook = (hook: NewWebhook) => new WebhookRepository(dataSource).create(hook, generateSecret());
  const deliveries = () => new DeliveryRepository(dataSource);
  const senderUrl = () => suite.stack.services.find((s) => s.name === 'webhook-sender')!.url;

  it('fails and quarantines a job that breaks formatting, with its reason, while the partition’s other deliveries flow', async () => {
    await org('org_poison');
    await org('org_bystander');
    const target = await receiver();
    // Jobs are keyed by webhook (spilled ones come back by key): pick ids whose keys share the poison's partition.
    const admin = kafka.admin();
    await admin.connect();
    const [{ partitions }] = (await admin.fetchTopicMetadata({ topics: [Topics.webhookDeliveries] })).topics;
    await admin.disconnect();
    const partitionOf = (key: string) => Partitioners.DefaultPartitioner()({ topic: Topics.webhookDeliveries, partitionMetadata: partitions, message: { key, value: null } });
    const sharing = (prefix: string) => Array.from({ length: 200 }, (_, i) => `${prefix}_${i}`).find((id) => partitionOf(id) === partitionOf('wh_poison_raw'))!;
    const [chatId, bystanderId] = [sharing('wh_poison_chat'), sharing('wh_bystander')];
    await webhook({ id: 'wh_poison_raw', orgId: 'org_poison', url: `${target.url}/raw` });
    await webhook({ id: chatId, orgId: 'org_poison', url: `${target.url}/chat`, format: 'slack' });
    // Endpoint ordering: its unkeyed deliveries must arrive in the order they came, through the spills.
    await webhook({ id: bystanderId, orgId: 'org_bystander', url: `${target.url}/bystander`, ordering: 'endpoint' });

    const BYSTANDER = 100;
    const now = new Date().toISOString();
    const job = (orgId: string, webhookId: string, eventId: string, data: string) =>
      JSON.stringify({
        delivery_id: deliveryId({ org_id: orgId, id: eventId }, webhookId),
        attempt: 1,
        destination: { kind: 'webhook', id: webhookId },
        event: { id: eventId, type: 'deploy.failed', org_id: orgId, project_id: null, occurred_at: now, created_at: now, data: '<data>' },
      }).replace('"<data>"', data);
    // Written as text: 100,000 levels are more than any recursive serialiser's stack allows (~600 KB).
    const depth = 100_000;
    const deep = `${'{"a":'.repeat(depth)}{"leaf":"bottom"}${'}'.repeat(depth)}`;
    const prototypeKeys = '{"constructor":"ctor value","__proto__":{"name":"proto name"},"toString":"to string value","hasOwnProperty":"own value"}';
    // All on one partition, the poison first: the bystander's deliveries are behind it.
    const [written] = await suite.producer.send({
      topic: Topics.webhookDeliveries,
      messages: [
        { key: 'wh_poison_raw', value: job('org_poison', 'wh_poison_raw', 'deep-1', deep) },
        { key: chatId, value: job('org_poison', chatId, 'proto-1', prototypeKeys) },
        ...Array.from({ length: BYSTANDER }, (_, i) => ({ key: bystanderId, value: job('org_bystander', bystanderId, `by-${i}`, `{"n":${i}}`) })),
      ],
    });
    const poisonOffset = written.baseOffset!;

    const bystander = () => target.requests.filter((r) => r.path === '/bystander');
    const protoChat = () => target.requests.find((r) => r.path === '/chat' && r.body.includes('ctor value'));
    await eventually(() => (bystander().length >= BYSTANDER && protoChat() ? true : undefined), 60_000);
    // In order, though some may have gone through the retry tiers and back (HERALD_ENDPOINT_MAX_QUEUED=30).
    expect(bystander().map((r) => JSON.parse(r.body).id)).toEqual(Array.from({ length: BYSTANDER }, (_, i) => `by-${i}`));
    const chat = protoChat()!.body;
    for (const value of ['ctor value', 'proto name', 'to string value', 'own value']) expect(chat).toContain(value);
    // The raw webhook receives the org's `delivery.exhausted` about the poison job, never the job itself.
    expect(target.requests.filter((r) => r.path === '/raw').map((r) => JSON.parse(r.body).id)).not.toContain('deep-1');

    const poisonId = deliveryId({ org_id: 'org_poison', id: 'deep-1' }, 'wh_poison_raw');
    const failed = await eventually(async () => ((await deliveries().findById(poisonId))?.status === 'failed' ? deliveries().attempts(poisonId) : undefined), 30_000);
    expect(failed).toHaveLength(1);
    expect(failed[0].error).toMatch(/^request could not be prepared: event data is nested too deeply/);

    const quarantined = await readTopic(kafka, Topics.deliveriesDlq, (seen) => seen.some((m) => m.key === 'wh_poison_raw'), 30_000);
    const parked = quarantined.find((m) => m.key === 'wh_poison_raw')!;
    expect(parked.headers).toMatchObject({ [Headers.reason]: 'stack_overflow', [Headers.attempts]: '1', [Headers.sourceTopic]: Topics.webhookDeliveries, [Headers.sourcePartition]: String(written.partition), [Headers.sourceOffset]: poisonOffset });
  }, 120_000);

  it('closes the endpoint’s breaker on resume before the held deliveries go out', async () => {
    await org('org_resume');
    let hanging = true;
    const target = await receiver(() => (hanging ? { status: 200, delayMs: 30_000 } : { status: 204 }));
    // One request at a time (endpoint ordering), so exactly three reach it before its breaker opens.
    await webhook({ id: 'wh_resume', orgId: 'org_resume', url: target.url, timeoutMs: 500, retrySchedule: ['1h'], pauseAfterFailures: 5, ordering: 'endpoint' });
    const webhooks = new WebhookRepository(dataSource);

    // Three timeouts open the breaker (for an hour); failing fast counts too; five in a row pause the webhook.
    await publish('org_resume', ...Array.from({ length: 5 }, (_, i) => ({ id: `r-${i}`, type: 'deploy.failed' })));
    await eventually(async () => ((await webhooks.findById('wh_resume'))?.pausedAt ? true : undefined), 60_000);
    expect(target.requests).toHaveLength(3);
    const ids = Array.from({ length: 8 }, (_, n) => deliveryId({ org_id: 'org_resume', id: `r-${n}` }, 'wh_resume'));
    await publish('org_resume', ...[5, 6, 7].map((n) => ({ id: `r-${n}`, type: 'deploy.failed' })));
    // What arrives after the pause is held, and so is the org's own `webhook.paused` event (the webhook takes every type).
    await eventually(async () => ((await Promise.all(ids.slice(5).map((id) => deliveries().findById(id)))).every((row) => row?.status === 'held') ? true : undefined), 30_000);
    const heldRows: { id: string }[] = await dataSource.query(`SELECT id FROM deliveries WHERE destination_id = 'wh_resume' AND status = 'held' ORDER BY created_at, id`);
    const held = heldRows.map((row) => row.id);
    expect(held).toEqual(expect.arrayContaining(ids.slice(5)));

    hanging = false;
    const producer = new KafkaProducer(kafka);
    await producer.connect();
    try {
      expect(await new DeliveryControl(deliveries(), producer).resume('wh_resume')).toEqual({ replayed: held.length });
    } finally {
      await producer.disconnect();
    }

    // The breaker opened an hour ago as far as its reset time goes: only the resume can have closed it.
    const replayed = (await target.waitForRequests(3 + held.length, 30_000)).slice(3);
    expect(replayed.map((r) => r.headers['webhook-id'])).toEqual(held);
    for (const id of held) {
      const attempts = await eventually(async () => ((await deliveries().findById(id))?.status === 'succeeded' ? deliveries().attempts(id) : undefined), 20_000);
      expect(attempts.map((a) => [a.succeeded, a.error])).toEqual([[true, null]]);
    }
  }, 150_000);

  it('lets a hung endpoint cost only itself: the others’ deliveries arrive promptly and its own end pending or held, in order', async () => {
    await org('org_hang');
    const hung = await startHungServer();
    suite.cleanup(() => hung.close());
    const healthy = await receiver();
    const hungTimeoutMs = 30_000;
    // Endpoint ordering throughout: each endpoint's deliveries in order, one at a time (the hung one's three
    // requests before its breaker opens). Key ordering with a hung endpoint: e2e/ordering.e2e.ts.
    await webhook({ id: 'wh_hung', orgId: 'org_hang', url: hung.url, timeoutMs: hungTimeoutMs, retrySchedule: ['1h'], ordering: 'endpoint' });
    const healthyIds = Array.from({ length: 9 }, (_, i) => `wh_ok_${i}`);
    for (const id of healthyIds) await webhook({ id, orgId: 'org_hang', url: `${healthy.url}/${id}`, ordering: 'endpoint' });

    const events = 200;
    const publishedAt = new Map<string, number>();
    for (let batch = 0; batch < 10; batch++) {
      const ids = Array.from({ length: events / 10 }, (_, i) => `h-${batch * (events / 10) + i}`);
      for (const id of ids) publishedAt.set(id, Date.now());
      await publish('org_hang', ...ids.map((id) => ({ id, type: 'deploy.failed' })));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    // Every healthy delivery arrives, in order per endpoint, none having waited out one of the hung endpoint's timeouts.
    // (When the hung one is paused, the others also receive the org's `webhook.paused` event: not counted here.)
    // At least once: a delivery may arrive twice (same webhook-id); the first arrival counts.
    const deployments = () => {
      const seen = new Set<unknown>();
      return healthy.requests.filter((r) => JSON.parse(r.body).type === 'deploy.failed' && !seen.has(r.headers['webhook-id']) && seen.add(r.headers['webhook-id']));
    };
    const arrived = await eventually(() => (deployments().length >= events * healthyIds.length ? deployments() : undefined), 120_000);
    expect(arrived).toHaveLength(events * healthyIds.length);
    const latencies = arrived.map((r) => r.receivedAt - publishedAt.get(JSON.parse(r.body).id)!);
    console.log(`healthy deliveries: ${arrived.length}, latency max ${Math.max(...latencies)} ms, hung endpoint requests so far ${hung.requests()}`);
    expect(Math.max(...latencies)).toBeLessThan(hungTimeoutMs);
    for (const id of healthyIds) {
      expect(arrived.filter((r) => r.path === `/${id}`).map((r) => JSON.parse(r.body).id)).toEqual(Array.from({ length: events }, (_, i) => `h-${i}`));
    }

    // Three timeouts open its breaker; ten failures in a row pause it; everything after is held, in order.
    const hungIds = Array.from({ length: events }, (_, i) => deliveryId({ org_id: 'org_hang', id: `h-${i}` }, 'wh_hung'));
    const rows = await eventually(async () => {
      const found = await Promise.all(hungIds.map((id) => deliveries().findById(id)));
      const settled = found.filter((row) => row?.status === 'held').length === events - 10 && found.slice(0, 10).every((row) => row?.status === 'pending');
      return settled ? found : undefined;
    }, 240_000, 1_000);
    expect(hung.requests()).toBe(3);
    const statuses = rows.map((row) => row!.status);
    expect(statuses).toEqual([...Array(10).fill('pending'), ...Array(events - 10).fill('held')]);
    const firstAttempts = await Promise.all(hungIds.slice(0, 10).map((id) => deliveries().attempts(id)));
    expect(firstAttempts.map((attempts) => attempts.map((a) => a.error))).toEqual([
      ...Array(3).fill([`timed out after ${hungTimeoutMs} ms`]),
      ...Array(7).fill(['circuit breaker open: no request sent']),
    ]);
    // Held in the order the events came, though most of them left the partition (some several times) on the way.
    const heldOrder = rows.slice(10).map((row) => row!.createdAt.getTime());
    expect(heldOrder).toEqual([...heldOrder].sort((a, b) => a - b));

    const sender = await scrape(senderUrl());
    expect(total(sender, 'herald_deliveries_spilled_total')).toBeGreaterThan(0);
    // Nothing is left behind on the deliveries topic: every partition committed to its end.
    await eventually(async () => (total(await scrape(senderUrl()), 'herald_kafka_consumer_lag_messages', { topic: Topics.webhookDeliveries }) === 0 ? true : undefined), 60_000, 1_000);
  }, 480_000);
});
