import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { countApiRequests } from './api-requests';
import { counter, sampledGauge, startAtZero } from './define';
import { ApiMetrics, DeliveryMetrics } from './herald-metrics';

describe('sampledGauge', () => {
  it('reads at scrape time, reuses a fresh sample, and keeps the last value when a read fails or hangs', async () => {
    const registry = new Registry();
    const reads: (() => Promise<number>)[] = [async () => 3, async () => 5, () => Promise.reject(new Error('db down')), () => new Promise<number>(() => undefined)];
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    sampledGauge(registry, 'test_held', 'held', ['channel'], async () => [{ labels: { channel: 'webhook' }, value: await reads.shift()!() }], { cacheMs: 10_000, timeoutMs: 50 });
    const value = async () => (await registry.getSingleMetricAsString('test_held')).split('\n').find((l) => l.startsWith('test_held{'));

    expect(await value()).toBe('test_held{channel="webhook"} 3');
    now += 5_000; // still fresh: no read
    expect(await value()).toBe('test_held{channel="webhook"} 3');
    now += 10_000;
    expect(await value()).toBe('test_held{channel="webhook"} 5');
    now += 10_000; // the read fails
    expect(await value()).toBe('test_held{channel="webhook"} 5');
    now += 10_000; // the read never answers: the scrape does not wait for it
    expect(await value()).toBe('test_held{channel="webhook"} 5');
    expect(reads).toHaveLength(0);
    jest.restoreAllMocks();
  });
});

describe('countApiRequests', () => {
  it('labels requests by route template and status, unmatched paths as unmatched, and leaves out probes and scrapes', async () => {
    const registry = new Registry();
    const app = express();
    app.use(countApiRequests(new ApiMetrics(registry)));
    const router = express.Router();
    router.get('/webhooks/:id', (_req, res) => void res.status(200).json({}));
    router.delete('/webhooks/:id', (_req, res) => void res.status(404).json({}));
    app.use('/api/v1', router);
    for (const probe of ['/healthz', '/readyz', '/metrics']) app.get(probe, (_req, res) => void res.status(200).send('ok'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/api/v1/webhooks/wh_1`);
      await fetch(`${base}/api/v1/webhooks/wh_2`);
      await fetch(`${base}/api/v1/webhooks/wh_3`, { method: 'DELETE' });
      await fetch(`${base}/api/v1/nothing/here`);
      for (const probe of ['/healthz', '/readyz', '/metrics']) await fetch(`${base}${probe}`);
    } finally {
      server.close();
    }
    const text = await registry.metrics();
    expect(text).toContain('herald_api_requests_total{method="GET",route="/api/v1/webhooks/:id",status="200"} 2');
    expect(text).toContain('herald_api_requests_total{method="DELETE",route="/api/v1/webhooks/:id",status="404"} 1');
    expect(text).toContain('herald_api_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('herald_api_request_duration_seconds_count{method="GET",route="/api/v1/webhooks/:id"} 2');
    expect(text).not.toContain('wh_1');
    // Probes and scrapes are not API traffic.
    expect(text).not.toMatch(/healthz|readyz|route="\/metrics"/);
    expect(text).not.toContain('route="unmatched",status="200"');
  });
});

describe('DeliveryMetrics: failing destinations (opt-in)', () => {
  const failures = async (registry: Registry) =>
    (await registry.getSingleMetric('herald_destination_failures_total')!.get()).values.map(({ labels, value }) => [labels.org, labels.destination, labels.result, value]);

  it('names no destination unless enabled', async () => {
    const registry = new Registry();
    new DeliveryMetrics(registry, { HERALD_METRICS_FAILING_DESTINATIONS: 0 }).attempt({ channel: 'webhook', org: 'org_a', id: 'wh_1' }, 'raw', 'failure', 0.1);
    expect(await failures(registry)).toEqual([]);
  });

  it('counts failed attempts per destination, up to the cap; later destinations share "other"', async () => {
    const registry = new Registry();
    const metrics = new DeliveryMetrics(registry, { HERALD_METRICS_FAILING_DESTINATIONS: 2 });
    const attempt = (org: string, id: string, result: 'success' | 'failure' | 'no_request') => metrics.attempt({ channel: 'webhook', org, id }, 'raw', result, 0.01);
    attempt('org_a', 'wh_1', 'failure');
    attempt('org_a', 'wh_1', 'success'); // successes are not per destination
    attempt('org_b', 'wh_2', 'no_request');
    attempt('org_c', 'wh_3', 'failure'); // past the cap
    attempt('org_d', 'wh_4', 'failure'); // past the cap
    attempt('org_a', 'wh_1', 'failure'); // labelled already: keeps its own series
    expect(await failures(registry)).toEqual([
      ['org_a', 'wh_1', 'failure', 2],
      ['org_b', 'wh_2', 'no_request', 1],
      ['other', 'other', 'failure', 2],
    ]);
  });
});

describe('startAtZero', () => {
  it('creates every combination of the known label values at 0, so the first increment is an increase', async () => {
    const registry = new Registry();
    const parked = counter(registry, 'test_parked_total', 'parked', ['topic', 'cause']);
    startAtZero(parked, { topic: ['dlq', 'dead'], cause: ['rejected', 'exhausted'] });
    const series = async () => (await parked.get()).values.map(({ labels, value }) => `${labels.topic}/${labels.cause}=${value}`).sort();
    expect(await series()).toEqual(['dead/exhausted=0', 'dead/rejected=0', 'dlq/exhausted=0', 'dlq/rejected=0']);
    parked.inc({ topic: 'dlq', cause: 'rejected' });
    expect(await series()).toEqual(['dead/exhausted=0', 'dead/rejected=0', 'dlq/exhausted=0', 'dlq/rejected=1']);
  });
});

describe('counter', () => {
  const text = async (registry: Registry, name: string) =>
    (await registry.getSingleMetricAsString(name))
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .sort();

  it('adds labelled increments up per label set and shows their sums at every scrape', async () => {
    const registry = new Registry();
    const attempts = counter(registry, 'test_attempts_total', 'attempts', ['channel', 'result']);
    for (let n = 0; n < 1_000; n++) attempts.inc({ channel: 'webhook', result: n % 4 === 0 ? 'failure' : 'success' });
    attempts.inc({ channel: 'email', result: 'success' }, 2.5);
    expect(await text(registry, 'test_attempts_total')).toEqual([
      'test_attempts_total{channel="email",result="success"} 2.5',
      'test_attempts_total{channel="webhook",result="failure"} 250',
      'test_attempts_total{channel="webhook",result="success"} 750',
    ]);
    attempts.inc({ channel: 'webhook', result: 'failure' });
    expect(await text(registry, 'test_attempts_total')).toEqual([
      'test_attempts_total{channel="email",result="success"} 2.5',
      'test_attempts_total{channel="webhook",result="failure"} 251',
      'test_attempts_total{channel="webhook",result="success"} 750',
    ]);
  });

  it("keeps prom-client's checks and its unlabelled form", async () => {
    const registry = new Registry();
    const attempts = counter(registry, 'test_checked_total', 'checked', ['channel']);
    expect(() => attempts.inc({ channel: 'webhook', tier: 'x' } as never)).toThrow(/label/i);
    expect(() => attempts.inc({ channel: 'webhook' }, -1)).toThrow(/decrease/);
    expect(() => attempts.inc({ channel: 'webhook' }, Infinity)).toThrow(/not a valid number/);
    const opened = counter(registry, 'test_opened_total', 'opened');
    opened.inc();
    opened.inc(2);
    expect(await text(registry, 'test_opened_total')).toEqual(['test_opened_total 3']);
    expect(counter(registry, 'test_opened_total', 'opened')).toBe(opened);
  });
});
