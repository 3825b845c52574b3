// Delivery benchmark: events in, deliveries out, produce→receiver latency, RSS per service, and in
// the same run the raw ceiling of undici POSTing to the same receiver. Prints a table; not a test.
//
//   npm run bench            (HERALD_BENCH_EVENTS, HERALD_BENCH_WEBHOOKS, HERALD_BENCH_RATE, HERALD_BENCH_SECONDS)
//
// Everything is co-located on this machine: a fresh Kafka broker (port 39092), the herald_bench
// database, the five services as processes with delivery logging on, and one HTTP receiver here.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startKafka } from '../kafka/kafka.mjs';
import { ensurePostgres, resetDatabase } from '../dev/postgres.mjs';
import { startServices } from '../dev/services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { Kafka, Partitioners, logLevel } = require('kafkajs');
const { Agent, request } = require('undici');

const EVENTS = Number(process.env.HERALD_BENCH_EVENTS ?? 2000);
const WEBHOOKS = Number(process.env.HERALD_BENCH_WEBHOOKS ?? 20);
const RATE = Number(process.env.HERALD_BENCH_RATE ?? 500);
const SECONDS = Number(process.env.HERALD_BENCH_SECONDS ?? 20);
const PORT_BASE = 4400;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A receiver that counts deliveries and the latency each one carries from its producer. */
async function startReceiver() {
  const stats = { count: 0, latencies: [], firstAt: 0, lastAt: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      stats.count++;
      stats.firstAt ||= now;
      stats.lastAt = now;
      try {
        const sentAt = JSON.parse(Buffer.concat(chunks).toString()).data?.sent_at;
        if (sentAt) stats.latencies.push(now - sentAt);
      } catch {
        // a baseline request
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, stats, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

async function rawCeiling(url, count, concurrency) {
  const agent = new Agent({ connections: concurrency });
  const body = JSON.stringify({ id: 'baseline', type: 'deploy.failed', data: {} });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
        await res.body.dump();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return count / seconds;
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'herald-bench-kafka-'));
  console.log('building and starting Kafka, PostgreSQL and the five services…');
  execFileSync(process.execPath, ['tools/build.mjs'], { cwd: root, stdio: 'ignore' });
  const kafkaBroker = await startKafka({ port: 39092, dataDir, fresh: true, heapMb: 768 });
  const pg = await ensurePostgres({ url: 'postgres://postgres@127.0.0.1:5432/herald_bench' });
  await resetDatabase(pg.url);
  const env = { KAFKA_BROKERS: kafkaBroker.brokers, DATABASE_URL: pg.url, HERALD_ALLOW_LOOPBACK_DESTINATIONS: 'true', LOG_LEVEL: 'warn', KAFKA_TOPIC_PARTITIONS: '6' };
  execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', 'migrate'], { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });

  const receiver = await startReceiver();
  const persistence = require(path.join(root, 'dist/libs/persistence/src/index.js'));
  const signing = require(path.join(root, 'dist/libs/signing/src/index.js'));
  const ds = await persistence.createDataSource(pg.url, 2).initialize();
  const orgs = new persistence.OrgRepository(ds);
  const webhooks = new persistence.WebhookRepository(ds);
  await orgs.upsert('org_fanout');
  await orgs.upsert('org_latency');
  for (let i = 0; i < WEBHOOKS; i++) await webhooks.create({ id: `wh_fanout_${i}`, orgId: 'org_fanout', url: `${receiver.url}/f${i}` }, signing.generateSecret());
  await webhooks.create({ id: 'wh_latency', orgId: 'org_latency', url: `${receiver.url}/latency` }, signing.generateSecret());
  await ds.destroy();

  // HERALD_BENCH_PROFILE=1 writes a V8 CPU profile per service into tmp/profiles.
  const nodeArgs = process.env.HERALD_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, 'tmp', 'profiles')}`] : undefined;
  const services = await startServices({ env, portBase: PORT_BASE, onLine: () => {}, ...(nodeArgs ? { nodeArgs } : {}) });
  const kafka = new Kafka({ clientId: 'herald-bench', brokers: [kafkaBroker.brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const results = {};
  try {
    // Warm-up: JIT, connection pools, consumer assignments.
    await producer.send({ topic: 'herald.events.v1', messages: Array.from({ length: 50 }, (_, i) => ({ key: 'org_fanout', value: JSON.stringify({ id: `warm-${i}`, type: 'deploy.failed', org_id: 'org_fanout', data: {} }) })) });
    while (receiver.stats.count < 50 * WEBHOOKS) await sleep(100);

    // 1. Sustained fan-out: EVENTS events, each to WEBHOOKS webhooks.
    const before = receiver.stats.count;
    const expected = before + EVENTS * WEBHOOKS;
    const started = Date.now();
    for (let sent = 0; sent < EVENTS; sent += 500) {
      const messages = Array.from({ length: Math.min(500, EVENTS - sent) }, (_, i) => ({
        key: `org_fanout`,
        value: JSON.stringify({ id: `f-${sent + i}`, type: 'deploy.failed', org_id: 'org_fanout', data: { sent_at: Date.now(), n: sent + i } }),
      }));
      await producer.send({ topic: 'herald.events.v1', acks: -1, messages });
    }
    const producedIn = (Date.now() - started) / 1000;
    const deadline = Date.now() + 300_000;
    while (receiver.stats.count < expected && Date.now() < deadline) await sleep(100);
    const deliveredIn = (receiver.stats.lastAt - started) / 1000;
    results.fanout = {
      events: EVENTS,
      deliveries: receiver.stats.count - before,
      eventsInPerSec: EVENTS / producedIn,
      deliveriesPerSec: (receiver.stats.count - before) / deliveredIn,
      seconds: deliveredIn,
    };
    results.rssAfterFanoutMb = Object.fromEntries(services.services.map((s) => [s.name, rssMb(s.pid)]));

    // 2. Latency at a steady RATE events/s, one webhook each, for SECONDS.
    receiver.stats.latencies = [];
    const total = RATE * SECONDS;
    const tick = 100;
    const perTick = Math.max(1, Math.round((RATE * tick) / 1000));
    const t0 = Date.now();
    for (let sent = 0; sent < total; ) {
      const messages = Array.from({ length: Math.min(perTick, total - sent) }, (_, i) => ({
        key: 'org_latency',
        value: JSON.stringify({ id: `l-${sent + i}`, type: 'deploy.failed', org_id: 'org_latency', data: { sent_at: Date.now() } }),
      }));
      await producer.send({ topic: 'herald.events.v1', acks: -1, messages });
      sent += messages.length;
      const due = t0 + (sent / RATE) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    const latencyDeadline = Date.now() + 60_000;
    while (receiver.stats.latencies.length < total && Date.now() < latencyDeadline) await sleep(100);
    const sorted = [...receiver.stats.latencies].sort((a, b) => a - b);
    results.latency = { rate: RATE, seconds: SECONDS, received: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) };
    results.rssMb = Object.fromEntries(services.services.map((s) => [s.name, rssMb(s.pid)]));

    // 3. Baseline in the same run: undici straight at the same receiver, same concurrency as the sender.
    results.rawCeilingPerSec = await rawCeiling(`${receiver.url}/baseline`, 20_000, 64);
  } finally {
    await producer.disconnect();
    await services.stop();
    await receiver.close();
    await kafkaBroker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const f = results.fanout;
  const l = results.latency;
  const rows = [
    ['events in (events/s)', f.eventsInPerSec.toFixed(0)],
    [`deliveries out (deliveries/s, ${f.events} events × ${WEBHOOKS} webhooks)`, f.deliveriesPerSec.toFixed(0)],
    ['raw undici ceiling, same receiver (requests/s)', results.rawCeilingPerSec.toFixed(0)],
    ['deliveries / raw ceiling', `${((f.deliveriesPerSec / results.rawCeilingPerSec) * 100).toFixed(1)} %`],
    [`latency produce→receiver at ${l.rate} events/s (ms) p50 / p95 / p99 / max`, `${l.p50} / ${l.p95} / ${l.p99} / ${l.max}`],
    ['latency sample', `${l.received} of ${l.rate * l.seconds}`],
    ['HERALD_ENDPOINT_CONCURRENCY (requests in flight per endpoint)', process.env.HERALD_ENDPOINT_CONCURRENCY ?? '1 (default: in order)'],
    ...Object.entries(results.rssMb).map(([name, mb]) => [`RSS ${name} (MiB)`, String(mb)]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('\n' + rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  writeFileSync(path.join(root, 'tmp', 'bench-delivery.json'), JSON.stringify(results, null, 2));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
