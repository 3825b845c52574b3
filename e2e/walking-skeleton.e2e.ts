import { execFileSync } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { deliveryId } from '@herald/deliveries';
import { Headers, Topics } from '@herald/kafka';
import { DeliveryRepository, WebhookRepository } from '@herald/persistence';
import { generateSecret } from '@herald/signing';
import { eventually, readTopic, type Receiver, type TopicMessage } from '@herald/testing';
import { root, suitePorts } from './support/stack';
import { endToEnd } from './support/suite';

/**
 * The whole path through four separate processes, as `npm start` runs them:
 * Kafka → ingest (intake and routing) → webhook-sender → a real HTTP receiver, with the retry-scheduler
 * bringing a failed attempt back.
 */
const PORT_BASE = suitePorts(4100);
const SERVICES = ['ingest', 'webhook-sender', 'email-sender', 'retry-scheduler'];

describe('walking skeleton: an event produced to Kafka reaches a signed webhook', () => {
  const suite = endToEnd({
    portBase: PORT_BASE,
    poolSize: 2,
    // Every service shut down on SIGTERM by itself, within the grace period (consumers left their
    // groups, offsets committed); Nest re-raises the signal once closed, so the exit is by SIGTERM.
    afterStop: (exits) => expect(exits.map((e) => [e.name, e.forced, e.code === 0 || e.signal === 'SIGTERM'])).toEqual(SERVICES.map((name) => [name, false, true])),
  });
  const { kafka, dataSource } = suite;
  const secret = generateSecret();
  let receiver: Receiver;

  beforeAll(async () => {
    await suite.org('org_e2e', 'E2E');
    // First attempt of the first delivery fails, so the retry path runs too.
    receiver = await suite.receiver((index) => (index === 0 ? { status: 500, body: 'try later' } : { status: 204 }));
    await new WebhookRepository(dataSource).create({ id: 'wh_e2e', orgId: 'org_e2e', url: `${receiver.url}/hooks`, retrySchedule: ['1s', '1s'] }, secret);
  });

  it('delivers one event, signed per Standard Webhooks, with a stable webhook-id across the retry', async () => {
    const event = { id: 'deploy-42', type: 'deploy.failed', org_id: 'org_e2e', project_id: 'prj_9', occurred_at: '2026-05-07T14:23:11Z', data: { environment: 'production', error: 'exit 1' } };
    await suite.producer.send({ topic: Topics.events, messages: [{ key: 'org_e2e', value: JSON.stringify(event) }] });

    const [failed, delivered] = await receiver.waitForRequests(2, 60_000);
    expect(delivered.receivedAt - failed.receivedAt).toBeGreaterThanOrEqual(800);

    const id = deliveryId({ org_id: 'org_e2e', id: 'deploy-42' }, 'wh_e2e');
    for (const request of [failed, delivered]) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/hooks');
      expect(request.headers['webhook-id']).toBe(id);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-herald-event']).toBe('deploy.failed');
      expect(request.headers['user-agent']).toMatch(/^Herald\/\d+\.\d+\.\d+$/);
      // The spec's own library checks signature and timestamp.
      expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    }

    const body = JSON.parse(delivered.body);
    expect(Object.keys(body).sort()).toEqual(['created_at', 'data', 'id', 'org_id', 'project_id', 'type']);
    expect(body).toMatchObject({ id: 'deploy-42', type: 'deploy.failed', org_id: 'org_e2e', project_id: 'prj_9', data: { environment: 'production', error: 'exit 1' } });
    expect(Date.parse(body.created_at)).not.toBeNaN();
    expect(delivered.body).toBe(failed.body);

    const deliveries = new DeliveryRepository(dataSource);
    const log = await eventually(async () => ((await deliveries.findById(id))?.status === 'succeeded' ? deliveries.attempts(id) : undefined));
    expect(log.map((a) => [a.attempt, a.statusCode, a.succeeded])).toEqual([
      [1, 500, false],
      [2, 204, true],
    ]);
    expect(log[0].responseBody).toBe('try later');

    // Nothing more arrives: exactly one successful POST for the event.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.requests).toHaveLength(2);
  }, 90_000);

  it('sends malformed messages to the DLQ with a reason and keeps delivering', async () => {
    // Other suites share the broker and its DLQ topic: a key of our own tells our messages apart.
    const key = `walking-skeleton-${Date.now()}`;
    await suite.producer.send({
      topic: Topics.events,
      messages: [
        { key, value: 'this is not json' },
        { key, value: JSON.stringify({ org_id: 'org_e2e', data: {} }) },
        { key, value: JSON.stringify({ type: 'deploy.failed', org_id: 'org_nobody', data: {} }) },
      ],
    });
    const expected = [/^not valid JSON/, /^org_id: unknown org 'org_nobody'/, /^type: /];
    const reasonOf = (m: { headers: Record<string, string> }) => m.headers[Headers.reason] ?? '';
    const mine = (seen: TopicMessage[]) => seen.filter((m) => m.key === key);
    const dlq = await readTopic(kafka, Topics.eventsDlq, (seen) => expected.every((re) => mine(seen).some((m) => re.test(reasonOf(m)))), 60_000);
    const ours = mine(dlq);
    expect(ours).toHaveLength(3);
    expect(ours.every((m) => m.headers[Headers.sourceTopic] === Topics.events)).toBe(true);
    expect(ours.map((m) => m.value?.toString())).toContain('this is not json');

    const before = receiver.requests.length;
    await suite.producer.send({ topic: Topics.events, messages: [{ key: 'org_e2e', value: JSON.stringify({ id: 'deploy-43', type: 'deploy.failed', org_id: 'org_e2e', data: {} }) }] });
    const [after] = (await receiver.waitForRequests(before + 1, 60_000)).slice(before);
    expect(JSON.parse(after.body).id).toBe('deploy-43');
    expect(after.headers['webhook-id']).toBe(deliveryId({ org_id: 'org_e2e', id: 'deploy-43' }, 'wh_e2e'));
  }, 90_000);

  it('publishes through the admin API exactly as through Kafka, all the way to the receiver', async () => {
    const created = execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', 'api-keys', 'create', '--org', 'org_e2e', '--role', 'admin'], { cwd: root, env: process.env, encoding: 'utf8' });
    const { key } = JSON.parse(created.trim().split('\n').at(-1)!) as { key: string };
    const before = receiver.requests.length;
    const response = await fetch(`http://127.0.0.1:${PORT_BASE}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'rest-1', type: 'deploy.failed', data: { environment: 'production' } }),
    });
    expect(response.status).toBe(202);
    const [request] = (await receiver.waitForRequests(before + 1, 30_000)).slice(before);
    expect(JSON.parse(request.body)).toMatchObject({ id: 'rest-1', type: 'deploy.failed', org_id: 'org_e2e' });
    expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
  }, 60_000);

  it('serves liveness, readiness and Prometheus metrics on every service', async () => {
    expect(suite.stack.services.map((s) => s.name)).toEqual(SERVICES);
    for (const { name, url: base } of suite.stack.services) {
      expect([name, (await fetch(`${base}/healthz`)).status]).toEqual([name, 200]);
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain(`herald_process_resident_memory_bytes{service="${name}"}`);
    }
  });
});
