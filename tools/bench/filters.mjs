// Content filter benchmark: what does a destination's filter cost routing (in ingest)?
//
//   npm run bench:filters            (in-process figures, then ingest as a process against Kafka and PostgreSQL)
//   npm run bench:filters -- --quick (in-process figures only)
//
// 1. The evaluator, in process: nanoseconds per matchesFilter(filter, event), i.e. per event × destination, for
//    typical filters (seed 002's production paging, a list, a prefix, a composite, a 100-value list) against no filter.
// 2. The routing decision, in process: microseconds per event for what routing computes per event (match an org
//    of 20 webhooks and 2 email channels, build and serialise each job), without filters and with a filter on every
//    destination that every event passes (same jobs, so only the evaluation differs).
// 3. Ingest as a process (HERALD_BENCH_EVENTS, default 4000 per run; HERALD_BENCH_KAFKA_PORT, default 39492;
//    HERALD_BENCH_DATABASE_URL): a fresh broker, ingest alone, events produced to herald.events.v1 for 6 orgs of 22
//    destinations each (intake, the event log and routing per event), timed until every job is in the deliveries topics. Three runs without and three
//    with filters (passing every event), in the order ABBAAB, so drift of the machine favours neither. Not a test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

const QUICK = process.argv.includes('--quick');
const EVENTS = Number(process.env.HERALD_BENCH_EVENTS ?? 4_000);
const KAFKA_PORT = Number(process.env.HERALD_BENCH_KAFKA_PORT ?? 39_492);
const DATABASE_URL = process.env.HERALD_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/herald_bench_filters';
const PORT_BASE = Number(process.env.HERALD_PORT_BASE ?? 4800);
const ORGS = 6;
const WEBHOOKS_PER_ORG = 20;
const CHANNELS_PER_ORG = 2;
const ROUTE_DEADLINE_MS = 300_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ENVIRONMENTS = ['production', 'staging', 'qa', 'preview-41'];
const BRANCHES = ['main', 'release/7.1', 'hotfix/login', 'feature/pay'];

/** Seed 002-shaped events: deployment.failed / succeeded across environments and branches. */
function sampleEvent(n, orgId = 'org_bench') {
  return {
    id: `evt_${n}`,
    type: n % 3 === 0 ? 'deployment.succeeded' : 'deployment.failed',
    org_id: orgId,
    project_id: `prj_${n % 5}`,
    occurred_at: '2026-12-01T12:00:00.000Z',
    created_at: '2026-12-01T12:00:00.000Z',
    data: {
      environment: { name: ENVIRONMENTS[n % ENVIRONMENTS.length], primary_url: 'https://shop.example.com' },
      deployment: { id: `dep_${n}`, git_sha: 'a1b2c3d4e5f6', git_branch: BRANCHES[(n >> 2) % BRANCHES.length], duration_seconds: 60 + (n % 600) },
    },
  };
}

const FILTERS = {
  'none (null)': null,
  "seed 002 paging: type + data.environment.name": { type: 'deployment.failed', data: { environment: { name: 'production' } } },
  '$in on data.environment.name': { data: { environment: { name: { $in: ['staging', 'qa'] } } } },
  '$startsWith on a branch + type': { type: 'deployment.failed', data: { deployment: { git_branch: { $startsWith: 'release/' } } } },
  'composite: $or, $not, range': {
    $or: [{ data: { environment: { name: 'production' } } }, { data: { environment: { name: { $startsWith: 'preview-' } } } }],
    $not: { project_id: { $in: ['prj_sandbox', 'prj_demo'] } },
    data: { deployment: { duration_seconds: { $gte: 30, $lt: 3600 } } },
  },
  '$in with 100 values (the list limit)': { data: { deployment: { id: { $in: Array.from({ length: 100 }, (_, i) => `dep_x${i}`) } } } },
};

/** A filter every sample event passes, as heavy as a typical one: the same jobs with and without filters. */
const PASSING = {
  type: { $startsWith: 'deployment.' },
  data: { environment: { name: { $in: ENVIRONMENTS } }, deployment: { duration_seconds: { $gte: 0 } } },
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * ns per call of each function: `rounds` timings of `iterations` calls each, the functions taking turns round by
 * round (a machine whose load changes favours none of them), the median round of each.
 */
function timeEach(fns, iterations, rounds = 15) {
  for (const fn of fns) for (let i = 0; i < iterations; i++) fn(i); // warm-up: JIT
  const perCall = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, f) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) fn(i);
      perCall[f].push(Number(process.hrtime.bigint() - start) / iterations);
    });
  }
  return perCall.map(median);
}

function inProcess() {
  const { matchesFilter, validateFilter } = require(path.join(root, 'dist/libs/filters/src/index.js'));
  const { EventCatalog, BUILTIN_EVENT_TYPES } = require(path.join(root, 'dist/libs/events/src/index.js'));
  const { firstAttempts, matchSubscriptions } = require(path.join(root, 'dist/libs/deliveries/src/index.js'));
  const events = Array.from({ length: 64 }, (_, n) => sampleEvent(n));
  let sink = 0;

  const filters = Object.entries(FILTERS);
  for (const [name, filter] of filters) if (filter && validateFilter(filter).length) throw new Error(`${name}: not a valid filter`);
  const nanos = timeEach(
    filters.map(([, filter]) => (i) => (sink += matchesFilter(filter, events[i & 63]) ? 1 : 0)),
    100_000,
  );
  const evaluator = filters.map(([name, filter], f) => ({ name, ns: nanos[f], passes: `${events.filter((e) => matchesFilter(filter, e)).length}/${events.length}` }));

  const catalog = new EventCatalog(BUILTIN_EVENT_TYPES);
  const toggles = new Map();
  const org = (filter) => [
    ...Array.from({ length: WEBHOOKS_PER_ORG }, (_, i) => ({ kind: 'webhook', id: `wh_${i}`, eventTypes: [], projectIds: [], enabled: true, filter })),
    ...Array.from({ length: CHANNELS_PER_ORG }, (_, i) => ({ kind: 'email', id: `ec_${i}`, eventTypes: [], projectIds: [], enabled: true, filter })),
  ];
  /** What RoutingService does per event, Kafka and the cache aside: match, then one job and its message per destination. */
  const route = (subscriptions) => (i) => {
    const event = events[i & 63];
    for (const message of firstAttempts(event, matchSubscriptions(event, subscriptions, catalog, toggles)).messages) sink += message.value.length;
  };
  const mixed = Object.values(FILTERS).slice(1);
  const realistic = org(null).map((s, i) => ({ ...s, filter: mixed[i % mixed.length] }));
  const [without, withPassing, withMixed] = timeEach([route(org(null)), route(org(PASSING)), route(realistic)], 5_000);
  if (sink === 0) throw new Error('nothing was computed');
  return { evaluator, routing: { without, withPassing, withMixed } };
}

/** Ingest alone against a fresh broker: seconds to take in and route EVENTS events, without and with filters. */
async function ingestProcess() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'herald-bench-filters-'));
  const cleanups = [];
  try {
    const broker = await startKafka({ port: KAFKA_PORT, dataDir, fresh: true, heapMb: 768 });
    cleanups.push(() => broker.stop());
    const pg = await ensurePostgres({ url: DATABASE_URL });
    await resetDatabase(pg.url);
    const env = { KAFKA_BROKERS: broker.brokers, DATABASE_URL: pg.url, LOG_LEVEL: 'warn', KAFKA_TOPIC_PARTITIONS: '6' };
    execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', 'migrate'], { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });
    const persistence = require(path.join(root, 'dist/libs/persistence/src/index.js'));
    const { generateSecret } = require(path.join(root, 'dist/libs/signing/src/index.js'));
    const ds = await persistence.createDataSource(pg.url, 2).initialize();
    cleanups.push(() => ds.destroy());
    const orgs = new persistence.OrgRepository(ds);
    const webhooks = new persistence.WebhookRepository(ds);
    const channels = new persistence.EmailChannelRepository(ds);
    // ABBAAB: a machine that speeds up or slows down steadily over the runs favours neither side.
    const names = ['plain1', 'filtered1', 'filtered2', 'plain2', 'plain3', 'filtered3'];
    for (const run of ['warm', ...names]) {
      const filter = run.startsWith('filtered') ? PASSING : null;
      for (let o = 0; o < ORGS; o++) {
        const orgId = `org_${run}_${o}`;
        await orgs.upsert(orgId);
        for (let i = 0; i < WEBHOOKS_PER_ORG; i++) await webhooks.create({ id: `wh_${run}_${o}_${i}`, orgId, url: 'https://93.184.215.14/hook', filter }, generateSecret());
        for (let i = 0; i < CHANNELS_PER_ORG; i++) await channels.create({ id: `ec_${run}_${o}_${i}`, orgId, recipients: ['ops@example.com'], filter });
      }
    }
    const services = await startServices({ env, portBase: PORT_BASE, services: ['ingest'], onLine: () => {} });
    cleanups.push(() => services.stop());
    const kafka = new Kafka({ clientId: 'herald-bench-filters', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const jobsInTopics = async () => {
      let total = 0;
      for (const topic of ['herald.deliveries.webhook.v1', 'herald.deliveries.email.v1']) {
        for (const p of await admin.fetchTopicOffsets(topic).catch(() => [])) total += Number(p.high);
      }
      return total;
    };
    const run = async (name, count) => {
      const before = await jobsInTopics();
      const expected = before + count * (WEBHOOKS_PER_ORG + CHANNELS_PER_ORG);
      const started = Date.now();
      for (let sent = 0; sent < count; sent += 500) {
        const messages = Array.from({ length: Math.min(500, count - sent) }, (_, i) => {
          const event = sampleEvent(sent + i, `org_${name}_${(sent + i) % ORGS}`);
          return { key: event.org_id, value: JSON.stringify({ ...event, id: `${name}-${sent + i}` }) };
        });
        await producer.send({ topic: 'herald.events.v1', acks: -1, messages });
      }
      const deadline = started + ROUTE_DEADLINE_MS;
      let jobs = await jobsInTopics();
      while (jobs < expected && Date.now() < deadline) {
        await sleep(50);
        jobs = await jobsInTopics();
      }
      if (jobs < expected) throw new Error(`${name}: ${jobs - before} of ${expected - before} jobs within ${ROUTE_DEADLINE_MS / 1000} s`);
      const seconds = (Date.now() - started) / 1000;
      return { name, events: count, seconds, usPerEvent: (seconds * 1e6) / count };
    };
    await run('warm', Math.min(EVENTS, 2_000));
    const runs = [];
    for (const name of names) runs.push(await run(name, EVENTS));
    return runs;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  console.log('building…');
  execFileSync(process.execPath, ['tools/build.mjs', 'libs', 'apps/ingest'], { cwd: root, stdio: 'ignore' });
  const { evaluator, routing } = inProcess();
  const rows = [
    ['evaluator: ns per event × destination', ''],
    ...evaluator.map((e) => [`  ${e.name} (passes ${e.passes})`, e.ns.toFixed(0)]),
    [`routing decision in process, ${WEBHOOKS_PER_ORG} webhooks + ${CHANNELS_PER_ORG} email channels: µs per event`, ''],
    ['  no filters', (routing.without / 1000).toFixed(2)],
    ['  a filter on every destination, every event passes (same jobs)', `${(routing.withPassing / 1000).toFixed(2)} (${((routing.withPassing / routing.without) * 100).toFixed(1)} %)`],
    ['  the filters above mixed over the destinations (fewer jobs)', (routing.withMixed / 1000).toFixed(2)],
  ];
  if (!QUICK) {
    console.log(`starting Kafka (port ${KAFKA_PORT}), PostgreSQL and ingest…`);
    const runs = await ingestProcess();
    rows.push([`ingest process, ${EVENTS} events × ${WEBHOOKS_PER_ORG + CHANNELS_PER_ORG} destinations per run: s (µs per event)`, '']);
    for (const r of runs) rows.push([`  ${r.name.startsWith('plain') ? 'no filters' : 'filters, all passing'} (${r.name})`, `${r.seconds.toFixed(2)} (${r.usPerEvent.toFixed(0)})`]);
    const mid = (prefix) => median(runs.filter((r) => r.name.startsWith(prefix)).map((r) => r.usPerEvent));
    rows.push(['  filtered / plain, median run of each', `${((mid('filtered') / mid('plain')) * 100).toFixed(1)} %`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nload average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${os.cpus().length} cores`);
  console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
