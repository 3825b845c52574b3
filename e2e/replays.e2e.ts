import { monitorEventLoopDelay } from 'node:perf_hooks';
import { deliveryId } from '@herald/deliveries';
import { EmailChannelRepository, WebhookRepository, type NewWebhook } from '@herald/persistence';
import { generateSecret } from '@herald/signing';
import { eventually, startSmtpServer, testKafka, type ReceivedRequest } from '@herald/testing';
import { suitePorts } from './support/stack';
import { adminApi } from './support/admin-api';
import { endToEnd } from './support/suite';

/**
 * Replays through the four services as processes: failed deliveries sent again at a capped rate (measured at the
 * receiver), in event order with their original webhook-ids, beside live traffic; cancelled; waiting out a pause; a
 * backfill to a new webhook; a kill -9 of the retry-scheduler (which runs replays) part-way; an email channel's
 * failed messages.
 */
const PORT_BASE = suitePorts(5700);
// A failing endpoint must not trip its breaker here: replays would then fail fast until it closes again.
const ENV = { HERALD_BREAKER_VOLUME: '100000', HERALD_API_WEBHOOK_MUTATION_LIMIT: '1000', HERALD_REPLAY_POLL_MS: '200', HERALD_PUBLIC_URL: 'https://herald.example.com' };

async function coordinatorReady(): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await eventually(async () => ((await admin.describeGroups(['herald.replays-e2e-warmup'])).groups.length > 0 ? true : undefined), 120_000, 500);
  } finally {
    await admin.disconnect();
  }
}

/** The most arrivals in any one-second window [t, t + 1 s), from the arrival timestamps. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j] < sorted[i] - 999) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('replays end to end', () => {
  // On a broker fresh from the test setup, the group coordinator can take a while to load; a consumer that joins
  // before it has, on a loaded machine, gives up (KafkaJSGroupCoordinatorNotFound) and its service never gets
  // ready. So the services start once the coordinator answers.
  const suite = endToEnd({ portBase: PORT_BASE, env: async () => (await coordinatorReady(), ENV) });
  const { dataSource, receiver, org, publish } = suite;
  const webhook = (hook: NewWebhook) => new WebhookRepository(dataSource).create(hook, generateSecret());
  const admin = adminApi(suite, PORT_BASE);
  const api = admin.call;
  const failedCount = async (destinationId: string) => Number((await dataSource.query(`SELECT count(*) FROM deliveries WHERE destination_id = $1 AND status = 'failed'`, [destinationId]))[0].count);
  const eventIds = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
  /** Event ids in the order a replay goes: by the time Herald accepted them, then id. */
  const eventOrder = async (orgId: string, ids: string[]) =>
    ((await dataSource.query('SELECT id FROM events WHERE org_id = $1 AND id = ANY($2) ORDER BY created_at, id', [orgId, ids])) as { id: string }[]).map((row) => row.id);
  const bodyIds = (requests: ReceivedRequest[]) => requests.map((r) => JSON.parse(r.body).id as string);

  beforeAll(async () => {
    await org('org_replay');
    admin.actAs('org_replay');
  });

  /** A webhook for `type` whose first `count` deliveries all end failed (500, one retry a second later), then answers 204. */
  async function failedFor(id: string, type: string, prefix: string, count: number) {
    let failing = true;
    const target = await receiver(() => (failing ? { status: 500 } : { status: 204 }));
    await webhook({ id, orgId: 'org_replay', url: target.url, retrySchedule: ['1s'], pauseAfterFailures: 0, eventTypes: [type] });
    await publish('org_replay', ...eventIds(prefix, count).map((eventId) => ({ id: eventId, type, data: { n: eventId } })));
    await eventually(async () => ((await failedCount(id)) === count ? true : undefined), 60_000, 250);
    failing = false;
    const before = target.requests.length;
    return { target, before, originalIds: new Map(target.requests.map((r) => [JSON.parse(r.body).id as string, r.headers['webhook-id']])) };
  }

  it('replays failed deliveries at 20/s: capped at the receiver, in event order, same webhook-ids, live traffic unaffected, progress readable', async () => {
    const count = 60;
    const { target, before, originalIds } = await failedFor('wh_flaky', 'deploy.failed', 'deploy', count);
    const live = await receiver();
    await webhook({ id: 'wh_live', orgId: 'org_replay', url: live.url, eventTypes: ['deployment.succeeded'] });
    const since = new Date(Date.now() - 10 * 60_000).toISOString();

    // The receivers live in this test process: how long its event loop was held up while the replay ran.
    const receiverDelay = monitorEventLoopDelay({ resolution: 10 });
    receiverDelay.enable();
    const replayStartedAt = new Date();
    const created = await api('POST', '/webhooks/wh_flaky/replays', { since, rate: 20 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'running', total: count, sent: 0, rate: 20 });

    // Live events to another webhook while the replay runs: each one's latency from publish to arrival.
    const latencies: number[] = [];
    for (let i = 0; target.requests.length - before < count * 0.8; i++) {
      const sentAt = Date.now();
      await publish('org_replay', { id: `live-${i}`, type: 'deployment.succeeded' });
      const [request] = (await live.waitForRequests(i + 1, 20_000)).slice(i);
      latencies.push(request.receivedAt - sentAt);
      await eventually(async () => (Date.now() - sentAt >= 150 ? true : undefined), 1_000, 10);
    }
    const replayed = (await target.waitForRequests(before + count, 30_000)).slice(before);
    receiverDelay.disable();
    const liveDuringReplay = latencies.length;

    const times = replayed.map((r) => r.receivedAt);
    const busiest = busiestSecond(times);
    const spanSeconds = (Math.max(...times) - Math.min(...times)) / 1000;
    const sortedLatencies = [...latencies].sort((a, b) => a - b);
    const receiverHeldMs = Math.round(receiverDelay.max / 1e6);
    // When the sender started each replayed attempt (the delivery log, written in batches), for a receiver that could not see it.
    const attempts = await eventually(async () => {
      const rows: { attempted_at: Date }[] = await dataSource.query(
        `SELECT attempted_at FROM delivery_attempts WHERE delivery_id = ANY($1) AND attempted_at >= $2`,
        [eventIds('deploy', count).map((id) => deliveryId({ org_id: 'org_replay', id }, 'wh_flaky')), replayStartedAt],
      );
      return rows.length >= count ? rows : undefined;
    }, 30_000, 100);
    const busiestSent = busiestSecond(attempts.map((a) => a.attempted_at.getTime()));
    console.log(
      `replay of ${count} at 20/s: busiest second at the receiver ${busiest} (its event loop held up at most ${receiverHeldMs} ms), ` +
        `as sent ${busiestSent}; ${spanSeconds.toFixed(2)} s first to last (${((count - 1) / spanSeconds).toFixed(1)}/s); ` +
        `live deliveries to another webhook meanwhile: ${liveDuringReplay}, latency median ${sortedLatencies[Math.floor(sortedLatencies.length / 2)]} ms, max ${sortedLatencies.at(-1)} ms`,
    );
    // The cap, measured where the receiver sees it (docs/api.md, Replays). A receiver held up for longer than the
    // replay's interval takes in at once whatever reached it meanwhile, however Herald spaced it (the receivers run in
    // this test process, whose heap grows over the whole suite): then the cap is read from when each attempt was sent.
    expect(attempts).toHaveLength(count);
    expect(receiverHeldMs > 1000 / 20 ? busiestSent : busiest).toBeLessThanOrEqual(20);
    // In event order, each delivery once, with the webhook-id of its original attempts.
    expect(bodyIds(replayed)).toEqual(await eventOrder('org_replay', eventIds('deploy', count)));
    for (const request of replayed) expect(request.headers['webhook-id']).toBe(originalIds.get(JSON.parse(request.body).id));
    expect(new Set(replayed.map((r) => r.headers['webhook-id'])).size).toBe(count);
    // Live deliveries kept flowing while it ran (they were not queued behind it).
    expect(liveDuringReplay).toBeGreaterThanOrEqual(3);

    const done = await eventually(async () => {
      const { body } = await api('GET', `/webhooks/wh_flaky/replays/${created.body.id}`);
      return body.state === 'completed' && body.succeeded === count ? body : undefined;
    }, 30_000, 250);
    expect(done).toMatchObject({ total: count, sent: count, succeeded: count, failed: 0, finished_at: expect.any(String) });
    expect((await api('GET', '/webhooks/wh_flaky/replays')).body.data.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
  }, 180_000);

  it('stops at a cancel: nothing arrives beyond what was sent when the cancel answered', async () => {
    const { target, before } = await failedFor('wh_cancel', 'workflow.failed', 'wf', 40);
    const { body: replay } = await api('POST', '/webhooks/wh_cancel/replays', { since: new Date(Date.now() - 10 * 60_000).toISOString(), rate: 5 });
    await target.waitForRequests(before + 4, 30_000);
    const cancelled = await api('DELETE', `/webhooks/wh_cancel/replays/${replay.id}`);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', reason: 'cancelled by request' });
    const sent = cancelled.body.sent as number;
    expect(sent).toBeLessThan(40);
    // A live delivery to the same webhook, produced after the cancel, goes through the same partition (keyed by the
    // webhook) behind anything the replay produced before it: once it has arrived, everything the replay sent has too.
    await publish('org_replay', { id: 'cancel-marker', type: 'workflow.failed' });
    await eventually(() => (target.requests.some((r) => JSON.parse(r.body).id === 'cancel-marker') ? true : undefined), 20_000, 50);
    await eventually(async () => ((await api('GET', `/webhooks/wh_cancel/replays/${replay.id}`)).body.succeeded === sent ? true : undefined), 20_000, 250);
    const replayed = target.requests.slice(before).filter((r) => JSON.parse(r.body).id !== 'cancel-marker');
    expect(replayed).toHaveLength(sent);
    expect((await api('GET', `/webhooks/wh_cancel/replays/${replay.id}`)).body).toMatchObject({ state: 'cancelled', sent });
  }, 120_000);

  it('waits while its webhook is paused and goes on after the resume, every delivery once, in order', async () => {
    const count = 20;
    const { target, before, originalIds } = await failedFor('wh_paused', 'dr.approved', 'pz', count);
    const { body: replay } = await api('POST', '/webhooks/wh_paused/replays', { since: new Date(Date.now() - 10 * 60_000).toISOString(), rate: 5 });
    await target.waitForRequests(before + 3, 30_000);
    expect((await api('POST', '/webhooks/wh_paused/pause')).status).toBe(200);
    const waiting = await eventually(async () => {
      const { body } = await api('GET', `/webhooks/wh_paused/replays/${replay.id}`);
      return body.state === 'waiting' ? body : undefined;
    }, 20_000, 100);
    expect(waiting.reason).toMatch(/paused/);
    // Waiting: the runner looks every HERALD_REPLAY_POLL_MS and sends nothing; ten looks later, nothing moved.
    const pausedSent = waiting.sent as number;
    await eventually(async () => (Date.now() - Date.parse(waiting.updated_at) > 10 * 200 ? true : undefined), 10_000, 100);
    expect((await api('GET', `/webhooks/wh_paused/replays/${replay.id}`)).body).toMatchObject({ state: 'waiting', sent: pausedSent });

    expect((await api('POST', '/webhooks/wh_paused/resume')).status).toBe(200);
    await eventually(async () => ((await api('GET', `/webhooks/wh_paused/replays/${replay.id}`)).body.succeeded === count ? true : undefined), 60_000, 250);
    const replayed = target.requests.slice(before);
    // A delivery the replay sent as the pause landed was held and went out with the resume, still in its place.
    expect(bodyIds(replayed)).toEqual(await eventOrder('org_replay', eventIds('pz', count)));
    for (const request of replayed) expect(request.headers['webhook-id']).toBe(originalIds.get(JSON.parse(request.body).id));
  }, 120_000);

  it('backfills a webhook created after the events with every event it would have received, in order', async () => {
    await publish('org_replay', ...eventIds('bf', 12).map((id, i) => ({ id, type: i % 3 === 0 ? 'server.degraded' : 'environment.created', project_id: i % 2 ? 'prj_a' : 'prj_b' })));
    await eventually(async () => (Number((await dataSource.query(`SELECT count(*) FROM events WHERE org_id = 'org_replay' AND id LIKE 'bf-%' AND status = 'published'`))[0].count) === 12 ? true : undefined), 30_000, 250);
    const target = await receiver();
    await webhook({ id: 'wh_new', orgId: 'org_replay', url: target.url, eventTypes: ['environment.created'], projectIds: ['prj_a'] });
    const { body: replay } = await api('POST', '/webhooks/wh_new/replays', { since: new Date(Date.now() - 10 * 60_000).toISOString(), deliveries: 'all', rate: 50 });
    const expected = eventIds('bf', 12).filter((_, i) => i % 3 !== 0 && i % 2 === 1);
    expect(replay.total).toBe(expected.length);
    const arrived = await target.waitForRequests(expected.length, 30_000);
    expect(bodyIds(arrived)).toEqual(await eventOrder('org_replay', expected));
    expect(arrived.map((r) => r.headers['webhook-id'])).toEqual((await eventOrder('org_replay', expected)).map((id) => deliveryId({ org_id: 'org_replay', id }, 'wh_new')));
  }, 60_000);

  it('survives a kill -9 of the retry-scheduler part-way: everything arrives, nothing skipped, duplicates share their webhook-id', async () => {
    const count = 40;
    const { target, before, originalIds } = await failedFor('wh_crash', 'rule.failed', 'rule', count);
    const { body: replay } = await api('POST', '/webhooks/wh_crash/replays', { since: new Date(Date.now() - 10 * 60_000).toISOString(), rate: 20 });
    await target.waitForRequests(before + 10, 30_000);
    await suite.stack.stopOne('retry-scheduler', { signal: 'SIGKILL' });
    const killedAt = target.requests.length - before;
    await suite.stack.startOne('retry-scheduler');
    const done = await eventually(async () => {
      const { body } = await api('GET', `/webhooks/wh_crash/replays/${replay.id}`);
      return body.state === 'completed' && body.succeeded === count ? body : undefined;
    }, 60_000, 250);
    expect(done).toMatchObject({ total: count, sent: count });
    const replayed = target.requests.slice(before);
    const order = await eventOrder('org_replay', eventIds('rule', count));
    // Every one arrived, first arrivals in event order; a repeat is the same delivery (same id, same bytes).
    const firsts = [...new Map(replayed.map((r) => [JSON.parse(r.body).id as string, r])).keys()];
    expect(firsts).toEqual(order);
    const bodiesById = new Map<string, Set<string>>();
    for (const request of replayed) {
      expect(request.headers['webhook-id']).toBe(originalIds.get(JSON.parse(request.body).id));
      bodiesById.set(String(request.headers['webhook-id']), (bodiesById.get(String(request.headers['webhook-id'])) ?? new Set()).add(request.body));
    }
    expect([...bodiesById.values()].every((bodies) => bodies.size === 1)).toBe(true);
    console.log(`kill -9 of the retry-scheduler after ${killedAt} of ${count} replayed: ${replayed.length} arrivals (${replayed.length - count} duplicates)`);
  }, 180_000);

  it("replays an email channel's failed messages with their Message-IDs, in order", async () => {
    let refusing = true;
    const smtp = await startSmtpServer({ onMessage: () => (refusing ? { code: 550, message: 'mailbox unavailable' } : null) });
    suite.cleanup(() => smtp.close());
    await new EmailChannelRepository(dataSource).create({
      id: 'ec_replay',
      orgId: 'org_replay',
      recipients: ['ops@example.com'],
      eventTypes: ['dr.created'],
      smtpHost: smtp.host,
      smtpPort: smtp.port,
      smtpSecurity: 'none',
      smtpFrom: 'alerts@org.example',
    });
    const ids = eventIds('mail', 6);
    await publish('org_replay', ...ids.map((id) => ({ id, type: 'dr.created' })));
    await eventually(async () => ((await failedCount('ec_replay')) === ids.length ? true : undefined), 60_000, 250);
    refusing = false;
    const { body: replay } = await api('POST', '/email-channels/ec_replay/replays', { since: new Date(Date.now() - 10 * 60_000).toISOString(), rate: 10 });
    expect(replay).toMatchObject({ destination: { kind: 'email', id: 'ec_replay' }, total: ids.length });
    // This replay's mails, by Message-ID: a job another suite left unfinished on the shared deliveries topic may
    // reach this SMTP server too.
    const messageId = (id: string) => `<${deliveryId({ org_id: 'org_replay', id }, 'ec_replay')}@herald.example.com>`;
    const mails = await smtp.waitForMessagesWithIds(ids.map(messageId), ids.length, 30_000);
    const order = await eventOrder('org_replay', ids);
    expect(mails.map((m) => m.parsed.messageId)).toEqual(order.map(messageId));
    await eventually(async () => ((await api('GET', `/email-channels/ec_replay/replays/${replay.id}`)).body.succeeded === ids.length ? true : undefined), 30_000, 250);
  }, 120_000);
});
