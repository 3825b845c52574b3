import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Topics } from '@herald/kafka';
import { WebhookRepository, type NewWebhook } from '@herald/persistence';
import { generateSecret } from '@herald/signing';
import { eventually } from '@herald/testing';
import { referencedMetrics } from '../ops/promql';
import { scrape, total, type Scrape } from './support/metrics';
import { root, suitePorts } from './support/stack';
import { endToEnd } from './support/suite';

/**
 * What operators watch, through the four real services: each service's /metrics reports its
 * part of a run with successes, a failing endpoint (retries, breaker, auto-pause, held and
 * dead-lettered deliveries), a DLQ'd event and admin API calls.
 */
const PORT_BASE = suitePorts(4500);
// Failing destinations are named up to the cap per process, the rest count as "other". The suites share the broker and
// database, so retries other suites left behind fail in this sender too: a cap of 5 let them take every name before
// wh_ops_down's failures came (the `namedFailures` bar then ran out). The cap itself is the metrics spec's.
const OPS_ENV = { HERALD_BREAKER_VOLUME: '2', HERALD_BREAKER_ERROR_PERCENT: '50', HERALD_BREAKER_RESET_MS: '60000', HERALD_METRICS_FAILING_DESTINATIONS: '1000', LOG_LEVEL: 'debug' };

describe('operations metrics', () => {
  const suite = endToEnd({ portBase: PORT_BASE, env: OPS_ENV });
  const { dataSource, receiver, org, publish } = suite;

  const metricsOf = (service: string): Promise<Scrape> => scrape(suite.stack.services.find((s) => s.name === service)!.url);
  const secrets: string[] = [];
  const webhook = (hook: NewWebhook) => {
    secrets.push(generateSecret());
    return new WebhookRepository(dataSource).create(hook, secrets.at(-1)!);
  };
  const deployFailed = (id: string) => ({ id, type: 'deploy.failed', data: { environment: 'production' } });

  it('reports intake, routing, attempts, retries, breakers, pauses, held and dead-lettered deliveries, lag and API traffic', async () => {
    await org('org_ops');
    const healthy = await receiver();
    const failing = await receiver(() => ({ status: 500, body: 'down' }));
    const refusing = await receiver(() => ({ status: 400, body: 'bad request' }));
    await webhook({ id: 'wh_ops_raw', orgId: 'org_ops', url: healthy.url });
    await webhook({ id: 'wh_ops_slack', orgId: 'org_ops', url: `${healthy.url}/slack`, format: 'slack' });
    await webhook({ id: 'wh_ops_down', orgId: 'org_ops', url: failing.url, retrySchedule: ['1s'], pauseAfterFailures: 3 });
    // Fails for good at its first answer. wh_ops_down's retries may all end held instead: a first attempt handed out
    // twice (a rebalance while the suite starts) is a third failure, and pauses the webhook before any retry is final.
    await webhook({ id: 'wh_ops_final', orgId: 'org_ops', url: refusing.url, clientErrorsFinal: true, pauseAfterFailures: 1_000 });
    // Never paused, one request at a time: two failures open its breaker (for a minute), so its retries fail fast with
    // no request. wh_ops_down may pause before failing fast: its deliveries can be in flight together.
    await webhook({ id: 'wh_ops_breaker', orgId: 'org_ops', url: `${failing.url}/breaker`, retrySchedule: ['1s'], pauseAfterFailures: 1_000, ordering: 'endpoint' });

    await publish('org_ops', deployFailed('ops-1'));
    await suite.producer.send({ topic: Topics.events, messages: [{ key: 'org_ops', value: '{not json' }] });
    const created = execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', 'api-keys', 'create', '--org', 'org_ops', '--role', 'admin'], { cwd: root, env: process.env, encoding: 'utf8' });
    const { key } = JSON.parse(created.trim().split('\n').at(-1)!) as { key: string };
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${PORT_BASE}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
    expect((await api('/events', { method: 'POST', body: JSON.stringify({ ...deployFailed('ops-2'), org_id: 'org_ops' }) })).status).toBe(202);
    expect((await api('/events', { method: 'POST', body: JSON.stringify({ type: 'no.such.type', data: {} }) })).status).toBe(422);
    expect((await api('/webhooks/wh_ops_raw')).status).toBe(200);
    await healthy.waitForRequests(4, 30_000);

    // Three failures pause the webhook.
    await eventually(async () => (total(await metricsOf('webhook-sender'), 'herald_webhooks_paused_total') >= 1 ? true : undefined));
    await publish('org_ops', deployFailed('ops-3'));

    // ops-3 was only just produced: wait until ingest has counted it (and the rest) rather than read once.
    await eventually(async () => {
      const ingest = await metricsOf('ingest');
      expect(total(ingest, 'herald_events_ingested_total', { source: 'kafka' })).toBeGreaterThanOrEqual(2);
      expect(total(ingest, 'herald_events_ingested_total', { source: 'api' })).toBeGreaterThanOrEqual(1);
      expect(total(ingest, 'herald_events_rejected_total', { source: 'kafka', reason: 'malformed' })).toBeGreaterThanOrEqual(1);
      expect(total(ingest, 'herald_events_rejected_total', { source: 'api', reason: 'unknown_type' })).toBeGreaterThanOrEqual(1);
      expect(total(ingest, 'herald_dlq_messages_total', { topic: Topics.eventsDlq, cause: 'rejected_event' })).toBeGreaterThanOrEqual(1);
      expect(total(ingest, 'herald_api_requests_total', { method: 'POST', route: '/api/v1/events', status: '202' })).toBeGreaterThanOrEqual(1);
      expect(total(ingest, 'herald_api_requests_total', { method: 'GET', route: '/api/v1/webhooks/:id', status: '200' })).toBeGreaterThanOrEqual(1);
      expect(ingest.text).not.toContain('wh_ops_raw');
      expect(ingest.samples.some((s) => s.name === 'herald_kafka_consumer_lag_messages' && s.labels.group.endsWith('.ingest') && s.labels.topic === Topics.events)).toBe(true);
      return true;
    });

    // Ingest counts a job as it hands it to the producer, which may be after the sender has already delivered it.
    await eventually(async () => (total(await metricsOf('ingest'), 'herald_deliveries_routed_total', { channel: 'webhook' }) >= 6 ? true : undefined));

    await eventually(async () => {
      const sender = await metricsOf('webhook-sender');
      // Each bar by name, so a wait that runs out says which one fell short.
      const reached = {
        rawSuccesses: total(sender, 'herald_delivery_attempts_total', { channel: 'webhook', format: 'raw', result: 'success' }) >= 2,
        slackSuccesses: total(sender, 'herald_delivery_attempts_total', { channel: 'webhook', format: 'slack', result: 'success' }) >= 2,
        rawFailures: total(sender, 'herald_delivery_attempts_total', { format: 'raw', result: 'failure' }) >= 2,
        rawNoRequest: total(sender, 'herald_delivery_attempts_total', { format: 'raw', result: 'no_request' }) >= 1,
        slackDurations: total(sender, 'herald_delivery_attempt_duration_seconds_count', { channel: 'webhook', format: 'slack' }) >= 2,
        slackSucceeded: total(sender, 'herald_deliveries_total', { channel: 'webhook', format: 'slack', outcome: 'succeeded' }) >= 2,
        rawFailed: total(sender, 'herald_deliveries_total', { format: 'raw', outcome: 'failed' }) >= 1,
        retriesIn1s: total(sender, 'herald_retries_scheduled_total', { channel: 'webhook', tier: '1s' }) >= 1,
        exhaustedDeadLetters: total(sender, 'herald_dlq_messages_total', { topic: Topics.dead, cause: 'exhausted' }) >= 1,
        // Opt-in, enabled here: the failing webhooks are named, with their org; the healthy ones are not.
        namedFailures: total(sender, 'herald_destination_failures_total', { org: 'org_ops', destination: 'wh_ops_down', result: 'failure' }) >= 2,
        namedNoRequest: total(sender, 'herald_destination_failures_total', { destination: 'wh_ops_breaker', result: 'no_request' }) >= 1,
        breakersOpened: total(sender, 'herald_circuit_breakers_opened_total') >= 1,
        breakersOpen: total(sender, 'herald_circuit_breakers_open') >= 1,
        heldTotal: total(sender, 'herald_deliveries_held_total', { channel: 'webhook' }) >= 1,
        heldNow: total(sender, 'herald_held_deliveries') >= 1,
        pausedNow: total(sender, 'herald_paused_webhooks') >= 1,
      };
      expect(Object.entries(reached).filter(([, ok]) => !ok).map(([name]) => name)).toEqual([]);
      expect(sender.samples.filter((s) => s.name === 'herald_destination_failures_total').map((s) => s.labels.destination)).toEqual(expect.not.arrayContaining(['wh_ops_raw', 'wh_ops_slack']));
      return true;
    });

    // A retry parked in the 1s tier is observed when the retry-scheduler sends it back, a second or more after the sender parked it.
    await eventually(async () => (total(await metricsOf('retry-scheduler'), 'herald_retry_lateness_seconds_count', { tier: '1s' }) >= 1 ? true : undefined));

    for (const service of suite.stack.services) {
      const scraped = await scrape(service.url);
      expect(total(scraped, 'herald_process_cpu_seconds_total', { service: service.name })).toBeGreaterThan(0);
    }
  }, 120_000);

  it('logs every line about a delivery as JSON with its delivery, event and destination ids, and never a secret', () => {
    const lines = suite.stack.tail('webhook-sender', 500).split('\n').filter((line) => line.startsWith('{'));
    const aboutDeliveries = lines.map((line) => JSON.parse(line) as { level: string; message: Record<string, unknown> }).filter(({ message }) => typeof message === 'object' && 'deliveryId' in message);
    // Every line names its delivery, event and destination, this suite's and any retry earlier suites left behind.
    for (const { message } of aboutDeliveries) {
      expect(message).toEqual(expect.objectContaining({ deliveryId: expect.stringMatching(/^msg_/), eventId: expect.any(String), destinationId: expect.stringMatching(/^wh_/) }));
    }
    const ours = aboutDeliveries.filter(({ message }) => String(message.destinationId).startsWith('wh_ops_'));
    for (const { message } of ours) expect(message.eventId).toMatch(/^(ops-|evt_)/);
    const kinds = new Set(ours.map(({ message }) => message.msg));
    expect([...kinds].sort()).toEqual(['attempt failed; retry scheduled', 'delivered', 'delivery failed for good', 'webhook paused after consecutive failures']);
    for (const { name } of suite.stack.services) {
      const output = suite.stack.tail(name, 500);
      for (const secret of secrets) expect(output).not.toContain(secret.replace(/^whsec_/, ''));
    }
  });

  it('exports every metric family the Grafana dashboard and the alert rules query', async () => {
    const exported = new Set(['up']); // written by Prometheus itself for every target
    for (const service of suite.stack.services) for (const family of (await scrape(service.url)).families) exported.add(family);
    expect(referencedMetrics().filter((name) => !exported.has(name))).toEqual([]);
  });

  it("names Herald's own metrics as promtool check metrics wants (units, _total on counters only, help)", async () => {
    const { ensurePromtool } = (await import(pathToFileURL(path.join(root, 'tools/dev/prometheus.mjs')).href)) as { ensurePromtool(): string };
    const promtool = ensurePromtool();
    // prom-client's default process metrics are its own naming (some gauges end in _total).
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults, prefix: 'herald_' });
    const defaultNames = new Set(defaults.getMetricsAsArray().map((metric) => metric.name));
    for (const service of suite.stack.services) {
      const { text } = await scrape(service.url);
      const check = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      const problems = `${check.stdout}${check.stderr}`.split('\n').filter((line) => line.trim() && !defaultNames.has(line.split(' ')[0]));
      expect({ service: service.name, problems }).toEqual({ service: service.name, problems: [] });
    }
  });
});
