import { execFileSync } from 'node:child_process';
import { ConfigResourceTypes, Partitioners, type PartitionMetadata } from 'kafkajs';
import { deliveryId } from '@herald/deliveries';
import { Headers, Topics } from '@herald/kafka';
import { DeliveryRepository, WebhookRepository } from '@herald/persistence';
import { generateSecret } from '@herald/signing';
import { eventually, readTopic, type TopicMessage } from '@herald/testing';
import { root, servicesModule, stackEnv, suitePorts } from './support/stack';
import { endToEnd } from './support/suite';

/**
 * No single event, payload or crash holds up delivery for long, through the four real services: a large event
 * fanned out to many webhooks on one partition is routed, a job too large for the broker is quarantined with a
 * failed delivery instead of being retried forever, an event accepted right after a webhook is created reaches
 * it, a sender killed with -9 works again within seconds of its restart, and a normal start logs no error.
 */
const PORT_BASE = suitePorts(5300);
/** Dead-letter topics outlive a run on a reused broker: names from this run tell its messages apart. */
const RUN = Date.now().toString(36);

describe('nothing stalls', () => {
  const errorLines: string[] = [];
  const suite = endToEnd({
    portBase: PORT_BASE,
    onLine: (name, line) => {
      if (/"level":"(error|fatal)"/.test(line)) errorLines.push(`${name}: ${line}`);
    },
  });
  const { kafka, dataSource, receiver, org, publish } = suite;
  const webhook = (id: string, orgId: string, url: string) => new WebhookRepository(dataSource).create({ id, orgId, url }, generateSecret());

  /** Webhook ids whose delivery jobs land on one partition of the webhook deliveries topic. */
  async function idsOnOnePartition(prefix: string, count: number): Promise<string[]> {
    const admin = kafka.admin();
    await admin.connect();
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [Topics.webhookDeliveries] })).topics;
    await admin.disconnect();
    const partitionOf = Partitioners.DefaultPartitioner();
    const partitionMetadata = metadata.partitions as PartitionMetadata[];
    const ids: string[] = [];
    for (let i = 0; ids.length < count; i++) {
      const id = `${prefix}_${i}`;
      if (partitionOf({ topic: Topics.webhookDeliveries, partitionMetadata, message: { key: id, value: '' } }) === 0) ids.push(id);
    }
    return ids;
  }

  it('starts without logging an error', async () => {
    await org('org_start');
    const target = await receiver();
    await webhook('wh_start', 'org_start', target.url);
    await publish('org_start', { id: 'start-1', type: 'deploy.failed' });
    await target.waitForRequests(1, 30_000);
    expect(errorLines).toEqual([]);
  }, 60_000);

  it('routes a large event fanned out to many webhooks on one partition', async () => {
    await org('org_large');
    const target = await receiver();
    const ids = await idsOnOnePartition('wh_large', 8);
    for (const id of ids) await webhook(id, 'org_large', `${target.url}/${id}`);
    // Just under intake's 256 KiB limit, to eight webhooks on one partition: 2 MB of jobs, twice what one
    // record batch may hold.
    await publish('org_large', { id: 'large-1', type: 'deploy.failed', data: { log: 'x'.repeat(250_000) } });
    await publish('org_large', { id: 'large-2', type: 'deploy.failed', data: { n: 2 } });
    const requests = await target.waitForRequests(16, 60_000);
    expect(new Set(requests.map((r) => `${r.path} ${JSON.parse(r.body).id}`)).size).toBe(16);
  }, 90_000);

  it('quarantines an event whose delivery job is over the broker limit: DLQ with reason and source, failed delivery, the org goes on', async () => {
    await org(`org_huge_${RUN}`);
    const target = await receiver();
    const hook = `wh_huge_${RUN}`;
    await webhook(hook, `org_huge_${RUN}`, target.url);
    // Ingest's own size limit keeps every job far below the broker's default limit; an operator may set a topic's
    // lower. Here the webhook deliveries topic takes 100 kB, and the event's job is ~110 kB.
    const admin = kafka.admin();
    await admin.connect();
    const limitJobs = async (maxBytes: string | undefined) => {
      const configEntries = maxBytes ? [{ name: 'max.message.bytes', value: maxBytes }] : [];
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: Topics.webhookDeliveries, configEntries }] });
      await eventually(async () => {
        const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: Topics.webhookDeliveries, configNames: ['max.message.bytes'] }] });
        const entry = resources[0].configEntries.find((e) => e.configName === 'max.message.bytes');
        return (maxBytes ? entry?.configValue === maxBytes : entry?.isDefault) ? true : undefined;
      });
    };
    let parked: TopicMessage;
    try {
      await limitJobs('100000');
      await publish(`org_huge_${RUN}`, { id: 'huge-1', type: 'deploy.failed', data: { log: 'y'.repeat(110_000) } });
      await publish(`org_huge_${RUN}`, { id: 'huge-2', type: 'deploy.failed', data: { n: 2 } });
      const [delivered] = await target.waitForRequests(1, 60_000);
      expect(JSON.parse(delivered.body).id).toBe('huge-2');
      // The limit stays until huge-1 is quarantined: with the cause gone, a later attempt would succeed.
      [parked] = await readTopic(kafka, Topics.eventsDlq, (seen) => seen.some((m) => m.headers[Headers.sourceTopic] === Topics.events && m.key === `org_huge_${RUN}`), 60_000).then((seen) =>
        seen.filter((m) => m.headers[Headers.sourceTopic] === Topics.events && m.key === `org_huge_${RUN}`),
      );
    } finally {
      await limitJobs(undefined);
      await admin.disconnect();
    }
    expect(parked.headers).toMatchObject({ [Headers.reason]: 'message_too_large', [Headers.attempts]: '3', [Headers.sourcePartition]: expect.any(String), [Headers.sourceOffset]: expect.any(String) });
    expect(parked.headers[Headers.error]).toMatch(/larger than the max message size/);
    const failed = await eventually(async () => {
      const found = await new DeliveryRepository(dataSource).findById(deliveryId({ org_id: `org_huge_${RUN}`, id: 'huge-1' }, hook));
      return found?.status === 'failed' ? found : undefined;
    });
    const [attempt] = await new DeliveryRepository(dataSource).attempts(failed.id);
    expect(attempt.error).toMatch(/quarantined \(message_too_large\)/);

    // An operator finds it with the CLI and, once the cause is gone (here: the webhook), sends it back.
    const herald = (...args: string[]) => execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', ...args], { cwd: root, env: process.env, encoding: 'utf8' });
    // From its position on: the topic holds whatever earlier suites parked too.
    const listed = herald('dlq', 'list', '--topic', Topics.eventsDlq, '--partition', String(parked.partition), '--offset', parked.offset).trim().split('\n').map((line) => JSON.parse(line) as { partition: number; offset: string; reason: string; source: { topic: string } });
    expect(listed).toContainEqual(expect.objectContaining({ partition: parked.partition, offset: parked.offset, reason: 'message_too_large', source: expect.objectContaining({ topic: Topics.events }) }));
    await new WebhookRepository(dataSource).softDelete(`org_huge_${RUN}`, hook);
    const replayed = JSON.parse(herald('dlq', 'replay', '--topic', Topics.eventsDlq, '--partition', String(parked.partition), '--offset', parked.offset)) as { to: string };
    expect(replayed.to).toBe(Topics.events);
    // Ingest takes it in again under the same id and, with nothing left to deliver it to, publishes it.
    await eventually(async () => {
      const [row] = (await dataSource.query('SELECT status FROM events WHERE org_id = $1 AND id = $2', [`org_huge_${RUN}`, 'huge-1'])) as { status: string }[];
      return row?.status === 'published' ? true : undefined;
    }, 60_000);
  }, 120_000);

  it('moves an event PostgreSQL cannot store off the intake partition: events DLQ with a reason, the events behind it delivered', async () => {
    await org(`org_nul_${RUN}`);
    const target = await receiver();
    await webhook(`wh_nul_${RUN}`, `org_nul_${RUN}`, target.url);
    await publish(`org_nul_${RUN}`, { id: 'nul-1', type: 'deploy.failed', data: { note: 'a\u0000b' } }, { id: 'nul-2', type: 'deploy.failed', data: { n: 2 } });
    const [delivered] = await target.waitForRequests(1, 60_000);
    expect(JSON.parse(delivered.body).id).toBe('nul-2');
    const parked = (await readTopic(kafka, Topics.eventsDlq, (seen) => seen.some((m) => m.key === `org_nul_${RUN}`), 60_000)).filter((m) => m.key === `org_nul_${RUN}`);
    expect(parked).toHaveLength(1);
    expect(JSON.parse(parked[0].value!.toString()).id).toBe('nul-1');
    expect(parked[0].headers[Headers.sourceTopic]).toBe(Topics.events);
    expect(parked[0].headers[Headers.reason]).toBeTruthy();
  }, 90_000);

  it('quarantines a delivery job the sender fails on every time: deliveries DLQ, failed delivery, the partition goes on', async () => {
    await org(`org_deep_${RUN}`);
    const target = await receiver();
    await webhook(`wh_deep_${RUN}`, `org_deep_${RUN}`, target.url);
    // Written straight to the deliveries topic (intake limits nesting): data nested far beyond any stack.
    const depth = 200_000;
    const event = (id: string, data: string) => `{"id":"${id}","type":"deploy.failed","org_id":"org_deep_${RUN}","project_id":null,"occurred_at":"2026-01-01T00:00:00Z","created_at":"2026-01-01T00:00:00Z","data":${data}}`;
    const job = (id: string, data: string) => `{"delivery_id":"${deliveryId({ org_id: `org_deep_${RUN}`, id }, `wh_deep_${RUN}`)}","attempt":1,"destination":{"kind":"webhook","id":"wh_deep_${RUN}"},"event":${event(id, data)}}`;
    await suite.producer.send({ topic: Topics.webhookDeliveries, messages: [{ key: `wh_deep_${RUN}`, value: job('deep-1', `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`) }] });
    await suite.producer.send({ topic: Topics.webhookDeliveries, messages: [{ key: `wh_deep_${RUN}`, value: job('deep-2', '{"n":2}') }] });
    const [delivered] = await target.waitForRequests(1, 60_000);
    expect(JSON.parse(delivered.body).id).toBe('deep-2');
    const parked = (await readTopic(kafka, Topics.deliveriesDlq, (seen) => seen.some((m) => m.key === `wh_deep_${RUN}`), 60_000)).filter((m) => m.key === `wh_deep_${RUN}`);
    // The sender knows a request it cannot build will never be built: quarantined at its first attempt.
    expect(parked[0].headers).toMatchObject({ [Headers.reason]: 'stack_overflow', [Headers.sourceTopic]: Topics.webhookDeliveries, [Headers.attempts]: '1' });
    const failed = await eventually(async () => {
      const found = await new DeliveryRepository(dataSource).findById(deliveryId({ org_id: `org_deep_${RUN}`, id: 'deep-1' }, `wh_deep_${RUN}`));
      return found?.status === 'failed' ? found : undefined;
    });
    const [attempt] = await new DeliveryRepository(dataSource).attempts(failed.id);
    expect(attempt.error).toMatch(/^request could not be prepared: event data is nested too deeply/);
  }, 90_000);

  it('matches an event accepted right after POST /webhooks answered against the new webhook', async () => {
    await org('org_ryw');
    const target = await receiver();
    const created = execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', 'api-keys', 'create', '--org', 'org_ryw', '--role', 'admin'], { cwd: root, env: process.env, encoding: 'utf8' });
    const { key } = JSON.parse(created.trim().split('\n').at(-1)!) as { key: string };
    const api = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${PORT_BASE}/api/v1${path}`, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
    // Ingest has this org's subscriptions cached (none) before each change.
    await publish('org_ryw', { id: 'ryw-warm', type: 'deploy.failed' });
    for (let round = 0; round < 5; round++) {
      const response = await api('/webhooks', { url: `${target.url}/round-${round}` });
      expect(response.status).toBe(201);
      expect((await api('/events', { id: `ryw-${round}`, type: 'deploy.failed', data: {} })).status).toBe(202);
    }
    // Round n's event goes to webhooks 0…n: 15 deliveries, each one the first time it could have happened.
    const requests = await target.waitForRequests(15, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${target.requests.map((r) => `${r.path} ${JSON.parse(r.body).id}`).join(', ')}`);
    });
    for (let round = 0; round < 5; round++) {
      const got = requests.filter((r) => r.path === `/round-${round}`).map((r) => JSON.parse(r.body).id).sort();
      expect(got).toEqual(Array.from({ length: 5 - round }, (_, i) => `ryw-${round + i}`));
    }
  }, 90_000);

  it('works again within 10 s of restarting a webhook-sender killed with -9', async () => {
    await org('org_rejoin');
    const target = await receiver();
    await webhook('wh_rejoin', 'org_rejoin', target.url);
    let n = 0;
    const stream = setInterval(() => void publish('org_rejoin', { id: `rejoin-${n++}`, type: 'deploy.failed' }).catch(() => undefined), 100);
    try {
      await target.waitForRequests(5, 30_000);
      await suite.stack.stopOne('webhook-sender', { signal: 'SIGKILL' });
      const restartedAt = Date.now();
      const before = target.requests.length;
      const { startServices } = await servicesModule();
      const restarted = await startServices({ env: stackEnv(), services: ['webhook-sender'], ports: { 'webhook-sender': PORT_BASE + 2 }, onLine: () => undefined, waitFor: false });
      try {
        await eventually(() => (target.requests.length > before ? true : undefined), 60_000, 50);
        const seconds = (Date.now() - restartedAt) / 1000;
        console.log(`webhook-sender killed with -9 and restarted: delivering again ${seconds.toFixed(1)} s after the restart began`);
        expect(seconds).toBeLessThan(10);
      } finally {
        await restarted.stop();
      }
    } finally {
      clearInterval(stream);
    }
  }, 120_000);
});
