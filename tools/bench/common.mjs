// Shared parts of the benchmarks in tools/bench: the receiver process, per-process CPU and memory read from /proc,
// a Herald stack (fresh Kafka broker, a reset database, webhooks, the four services), statistics and the table
// printer. No side effects on import.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startKafka } from '../kafka/kafka.mjs';
import { ensurePostgres, resetDatabase } from '../dev/postgres.mjs';
import { startServices } from '../dev/services.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A message body of `size` bytes. */
export const payload = (size) => 'x'.repeat(size);

/**
 * `rate` items a second for `seconds`, every 10 ms: `submit(from, to)` takes the items numbered `from` to `to` (not
 * included) that are due by then, and is awaited.
 */
export async function atRate(rate, seconds, submit) {
  const total = rate * seconds;
  const started = Date.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
    if (due > sent) await submit(sent, due);
    sent = Math.max(sent, due);
    await sleep(10);
  }
}
export const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
export const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Waits until `done()` is true or the deadline passes; resolves whether it got there. */
export async function waitFor(done, { timeoutMs, intervalMs = 100 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

/**
 * A child process that talks over IPC: `call(cmd, args)` sends `{ id, cmd, ...args }` and resolves with the
 * child's `{ id, ...result }` answer (or rejects with its `error`). The child exits when this process goes away.
 */
export function forkWorker(script, { args = [], env = {}, execArgv = [] } = {}) {
  const child = fork(path.join(here, script), args, { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    for (const { reject } of pending.values()) reject(new Error(`${script} exited (code ${code}, signal ${signal})`));
    pending.clear();
    resolve({ code, signal });
  }));
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${script}: ${message.error}`));
    else waiter.resolve(message);
  });
  const ready = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited before it was ready (code ${code})`)));
  });
  return {
    pid: child.pid,
    ready,
    call: (cmd, args = {}) => new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...args });
    }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** In a child started by forkWorker: runs `handlers[cmd]` for each message and answers `{ id, ...result }`. */
export function serveCommands(handlers) {
  process.on('message', async (message) => {
    try {
      process.send({ id: message.id, ...(await handlers[message.cmd](message)) });
    } catch (error) {
      process.send({ id: message.id, error: error.message });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/**
 * The receiver, a process of its own: an HTTP server answering 200 that counts requests per run (the first path
 * segment) and the produce→receiver latency of those whose body carries `"sent_at":<epoch ms>`, and a loopback
 * server that accepts connections and never answers.
 */
export async function startReceiver() {
  const worker = forkWorker('receiver.mjs');
  const { url, hungUrl } = await worker.ready;
  return {
    url,
    hungUrl,
    pid: worker.pid,
    /** `{ count, timed, firstAt, lastAt, latencies? }` of a run; `timed` counts requests that carried sent_at. */
    stats: (run, { latencies = false } = {}) => worker.call('stats', { run, latencies }),
    hungRequests: async () => (await worker.call('hung')).requests,
    close: () => worker.stop(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CPU and memory per process, from /proc

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU seconds of a process so far, or undefined when it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in MiB (VmRSS), or undefined when it is gone. */
export function rssMiB(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
    return kb / 1024;
  } catch {
    return undefined;
  }
}

/** Pids of the running processes whose command name is `comm` (e.g. redis-server). */
export function pidsByName(comm) {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
    } catch {
      return false;
    }
  });
}

/**
 * Measures named groups of processes over a phase: CPU seconds used (utime+stime, after minus before; a process
 * that appears during the phase counts from zero) and the peak RSS of the largest process of the group, sampled
 * every `intervalMs`. `groups()` is asked again at every sample, so a group's pids may change (database backends).
 *
 * @param {() => Promise<{ name: string, pids: number[] }[]> | { name: string, pids: number[] }[]} groups
 */
export function startMeter(groups, { intervalMs = 250 } = {}) {
  const seen = new Map(); // pid → { group, first, last, peakRss }
  let firstSample = true;
  const sample = async () => {
    for (const { name, pids } of await groups()) {
      for (const pid of pids) {
        const cpu = cpuSeconds(pid);
        if (cpu === undefined) continue;
        const rss = rssMiB(pid) ?? 0;
        const entry = seen.get(pid);
        if (entry) {
          entry.last = cpu;
          entry.peakRss = Math.max(entry.peakRss, rss);
        } else {
          seen.set(pid, { group: name, first: firstSample ? cpu : 0, last: cpu, peakRss: rss });
        }
      }
    }
    firstSample = false;
  };
  let sampling = sample();
  const timer = setInterval(() => { sampling = sampling.then(sample); }, intervalMs);
  return {
    /** Ends the phase: `{ [group]: { cpuSeconds, peakRssMiB } }`. */
    stop: async () => {
      clearInterval(timer);
      await sampling;
      await sample();
      const result = {};
      for (const { group, first, last, peakRss } of seen.values()) {
        const g = (result[group] ??= { cpuSeconds: 0, peakRssMiB: 0 });
        g.cpuSeconds += last - first;
        g.peakRssMiB = Math.max(g.peakRssMiB, peakRss);
      }
      return result;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Herald

/**
 * The node flags for the services: as the image runs them (no `--enable-source-maps`, which `npm start` and the tests
 * add for readable stack traces and which costs each service ~15 MiB), then HERALD_BENCH_NODE_FLAGS (space-separated).
 * BENCH_CPU_PROF=<dir> loads cpu-profile-preload.cjs: each service then profiles from one SIGUSR2 to the next (see
 * profileServices) and writes <dir>/<service>-<pid>-<n>.cpuprofile. BENCH_REQUEST_COUNTS=<dir> loads
 * request-count-preload.cjs: Kafka requests and SQL statements per service (read with request-counts.mjs).
 */
export function serviceNodeArgs() {
  const extra = (process.env.HERALD_BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const base = ['--disable-warning=TimeoutNegativeWarning', ...extra];
  if (process.env.BENCH_REQUEST_COUNTS) base.push('--require', path.join(here, 'request-count-preload.cjs'));
  return process.env.BENCH_CPU_PROF ? [...base, '--require', path.join(here, 'cpu-profile-preload.cjs')] : base;
}

/**
 * Settings for one service only, as a deployment would set them: BENCH_SERVICE_ENV="ingest:HERALD_FETCH_LINGER=30ms"
 * (space-separated `service:NAME=value` entries).
 */
function serviceEnvFromBench() {
  const byService = {};
  for (const entry of (process.env.BENCH_SERVICE_ENV ?? '').split(/\s+/).filter(Boolean)) {
    const match = /^([a-z-]+):([A-Z0-9_]+)=(.*)$/.exec(entry);
    if (!match) throw new Error(`BENCH_SERVICE_ENV: "${entry}" does not look like service:NAME=value`);
    (byService[match[1]] ??= {})[match[2]] = match[3];
  }
  return byService;
}

/** Starts or ends (every other call) a CPU profile in each of the processes, when BENCH_CPU_PROF is set. */
export function profileServices(pids) {
  if (!process.env.BENCH_CPU_PROF) return;
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      // gone
    }
  }
}

/**
 * Where the benches' Herald stack runs: BENCH_KAFKA_PORT (35192), BENCH_DATABASE_URL (…/herald_bench_h5) and
 * BENCH_PORT_BASE (4750). Keep the ports below 32768: in Linux's ephemeral range (32768–60999) a service's port can
 * be taken by one of the many outgoing connections a bench opens, and the service then fails with EADDRINUSE.
 */
export function benchStackSettings() {
  return {
    kafkaPort: Number(process.env.BENCH_KAFKA_PORT ?? 35_192),
    databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/herald_bench_h5',
    portBase: Number(process.env.BENCH_PORT_BASE ?? 4750),
  };
}

/** Builds dist/ once per benchmark run. */
export function buildHerald() {
  execFileSync(process.execPath, ['tools/build.mjs'], { cwd: root, stdio: 'ignore' });
}

/**
 * A Herald stack of its own: a fresh broker on `kafkaPort`, the database `databaseUrl` reset and migrated, the
 * given orgs and webhooks, and the four services (default settings, delivery log and signing on) from `portBase`;
 * `senderReplicas` webhook-senders in all, the extra ones on portBase+10, +11, ... in the same consumer group.
 *
 * @param {{ kafkaPort: number, databaseUrl: string, portBase: number, webhooks: { id: string, orgId: string, url: string }[], senderReplicas?: number, env?: Record<string,string> }} opts
 */
export async function startHerald({ kafkaPort, databaseUrl, portBase, webhooks, senderReplicas = 1, env: extraEnv = {} }) {
  const cleanups = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(`cleanup: ${error.message}`));
    cleanups.length = 0;
  };
  try {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'herald-bench-kafka-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const broker = await startKafka({ port: kafkaPort, dataDir, fresh: true, heapMb: 768, gcLog: process.env.BENCH_KAFKA_GC_LOG, jvm: process.env.BENCH_KAFKA_JVM ?? 'lean' });
    cleanups.push(() => broker.stop());
    const pg = await ensurePostgres({ url: databaseUrl });
    await resetDatabase(pg.url);
    const env = { KAFKA_BROKERS: broker.brokers, DATABASE_URL: pg.url, HERALD_ALLOW_LOOPBACK_DESTINATIONS: 'true', LOG_LEVEL: 'warn', KAFKA_TOPIC_PARTITIONS: '6', ...extraEnv };
    execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', 'migrate'], { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });

    const persistence = require(path.join(root, 'dist/libs/persistence/src/index.js'));
    const signing = require(path.join(root, 'dist/libs/signing/src/index.js'));
    const ds = await persistence.createDataSource(pg.url, 2).initialize();
    cleanups.push(() => ds.destroy());
    const orgs = new persistence.OrgRepository(ds);
    const repository = new persistence.WebhookRepository(ds);
    for (const orgId of new Set(webhooks.map((w) => w.orgId))) await orgs.upsert(orgId);
    for (const webhook of webhooks) await repository.create(webhook, signing.generateSecret());

    const quiet = { env, serviceEnv: serviceEnvFromBench(), onLine: () => {}, nodeArgs: serviceNodeArgs() };
    const services = await startServices({ ...quiet, portBase });
    cleanups.push(() => services.stop());
    const replicas = [...services.services];
    const extraSenders = [];
    /** One more webhook-sender in the same consumer group, on portBase+10, +11, ... */
    const addSender = async () => {
      const n = extraSenders.length + 2;
      const extra = await startServices({ ...quiet, services: ['webhook-sender'], ports: { 'webhook-sender': portBase + 8 + n } });
      const replica = { ...extra.services[0], name: `webhook-sender-${n}` };
      extraSenders.push({ extra, replica });
      replicas.push(replica);
      return replica;
    };
    /** Stops the last webhook-sender added. */
    const removeSender = async () => {
      const { extra, replica } = extraSenders.pop();
      await extra.stop();
      replicas.splice(replicas.indexOf(replica), 1);
    };
    cleanups.push(async () => { while (extraSenders.length) await removeSender(); });
    for (let i = 1; i < senderReplicas; i++) await addSender();

    const { Kafka, Partitioners, logLevel } = require('kafkajs');
    const kafka = new Kafka({ clientId: 'herald-bench', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());

    const databaseName = new URL(pg.url).pathname.slice(1);
    return {
      kafka,
      admin,
      env,
      services: replicas,
      addSender,
      removeSender,
      /** A query on the stack's database. */
      query: (sql, params) => ds.query(sql, params),
      /**
       * How long a run's events took to reach each topic, per second of sending: for each topic, p50 / p99 of the
       * record's timestamp minus the event's sent_at (BENCH_LATENCY_SERIES).
       */
      hops: (run, started) => topicLatencySeries(kafka, run, started),
      /** Starts or ends a CPU profile of each service (BENCH_CPU_PROF). */
      profile: () => profileServices(replicas.map((s) => s.pid)),
      /** Produces events (`{ key, value }`) to herald.events.v1 with acks from all replicas. */
      produce: (messages) => producer.send({ topic: 'herald.events.v1', acks: -1, messages }),
      /**
       * Each service, the broker's JVM, and the database's backends (this database only: the server is shared; and
       * not the backend answering this query, the bench's own).
       */
      processGroups: async () => [
        ...[...replicas].map((s) => ({ name: s.name, pids: [s.pid] })),
        { name: 'kafka', pids: [broker.pid] },
        { name: 'postgres', pids: (await ds.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [databaseName])).map((r) => r.pid) },
      ],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The topics an event passes on its way to a webhook: produced by the bench, then by ingest (in one request). */
const HOP_TOPICS = ['herald.events.v1', 'herald.events.accepted.v1', 'herald.deliveries.webhook.v1'];

/**
 * Reads the three topics from the start and, per second of sending, what a run's events took from `sent_at` to each
 * topic's record timestamp (set by its producer as it sends): `{ [topic]: ['p50/p99', ...] }`.
 */
async function topicLatencySeries(kafka, run, started) {
  const admin = kafka.admin();
  await admin.connect();
  const ends = Object.fromEntries(await Promise.all(HOP_TOPICS.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)])));
  await admin.disconnect();
  const remaining = new Set(HOP_TOPICS.flatMap((topic) => ends[topic].filter((p) => Number(p.high) > 0).map((p) => `${topic}:${p.partition}`)));
  const byTopic = Object.fromEntries(HOP_TOPICS.map((topic) => [topic, []]));
  if (remaining.size === 0) return byTopic;
  const marker = `"id":"${run}-`;
  const consumer = kafka.consumer({ groupId: `bench-hops-${run}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: HOP_TOPICS, fromBeginning: true });
  await new Promise((resolve) => {
    consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const value = message.value?.toString('latin1') ?? '';
          const sentAt = value.includes(marker) && /"sent_at":(\d+)/.exec(value);
          if (sentAt) byTopic[batch.topic].push([Number(sentAt[1]), Number(message.timestamp) - Number(sentAt[1])]);
        }
        const high = ends[batch.topic].find((p) => p.partition === batch.partition).high;
        if (Number(batch.lastOffset()) + 1 >= Number(high)) remaining.delete(`${batch.topic}:${batch.partition}`);
        if (remaining.size === 0) resolve();
      },
    });
  });
  await consumer.disconnect();
  return Object.fromEntries(Object.entries(byTopic).map(([topic, pairs]) => [topic, bySecond(pairs, started).map((sorted) => `${percentile(sorted, 50)}/${percentile(sorted, 99)}`)]));
}

/** `[sentAt, latency]` pairs grouped by the second of sending since `started`: each second's latencies, sorted. */
function bySecond(pairs, started) {
  const buckets = [];
  for (const [sentAt, latency] of pairs) (buckets[Math.max(0, Math.floor((sentAt - started) / 1000))] ??= []).push(latency);
  return Array.from(buckets, (bucket = []) => bucket.sort((a, b) => a - b));
}

/** Who holds which partitions of `topic` in `groupId`: `{ [clientId/host]: number[] }`. */
export async function partitionAssignment(admin, groupId, topic) {
  const { AssignerProtocol } = require('kafkajs');
  const { groups } = await admin.describeGroups([groupId]);
  const split = {};
  for (const member of groups[0]?.members ?? []) {
    const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    split[member.memberId] = (assignment?.assignment?.[topic] ?? []).slice().sort((a, b) => a - b);
  }
  return split;
}

// ---------------------------------------------------------------------------------------------------------------
// Phases

export const range = (from, to) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Every event to every endpoint of `spec` (`{ events, endpoints, hung?, deadlineMs }`), as fast as the system takes
 * them: `system.fanout(run, spec)` does it all, or `system.submit(run, spec, ns)` takes events by number, 500 at a
 * time. Done when the answering endpoints have theirs (or at the deadline: `complete` false).
 */
export async function runFanout(system, receiver, run, spec) {
  const answering = spec.endpoints - (spec.hung === undefined ? 0 : 1);
  const expected = spec.events * answering;
  const started = Date.now();
  if (system.fanout) await system.fanout(run, spec);
  else for (let n = 0; n < spec.events; n += 500) await system.submit(run, spec, range(n, Math.min(spec.events, n + 500)));
  const complete = await waitFor(async () => (await receiver.stats(run)).timed >= expected, { timeoutMs: spec.deadlineMs, intervalMs: 50 });
  const stats = await receiver.stats(run, { latencies: true });
  return { ...summarise(stats, started), expected, complete };
}

/** Deliveries/s from `started` to the last delivery, and the latency percentiles of a run's receiver stats. */
export function summarise(stats, started, { settleMs = 0 } = {}) {
  const pairs = stats.sentAts.map((sentAt, i) => [sentAt, stats.latencies[i]]);
  const series = process.env.BENCH_LATENCY_SERIES ? latencySeries(pairs, started) : undefined;
  const timeline = process.env.BENCH_TIMELINE ? receiptTimeline(pairs, started) : undefined;
  const settled = pairs.filter(([sentAt]) => sentAt >= started + settleMs).map(([, latency]) => latency).sort((a, b) => a - b);
  const sorted = stats.latencies.sort((a, b) => a - b);
  const seconds = (stats.lastAt - started) / 1000;
  return {
    deliveries: stats.timed,
    seconds,
    perSec: stats.timed / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1),
    settledP50: percentile(settled, 50),
    settledP99: percentile(settled, 99),
    series,
    timeline,
  };
}

/** How many deliveries arrived in each 250 ms since `started` (BENCH_TIMELINE): a run's ramp, steady part and tail. */
function receiptTimeline(pairs, started) {
  const counts = [];
  for (const [sentAt, latency] of pairs) {
    const slot = Math.floor((sentAt + latency - started) / 250);
    counts[slot] = (counts[slot] ?? 0) + 1;
  }
  return Array.from(counts, (count) => count ?? 0);
}

/** Per second of sending since `started` (BENCH_LATENCY_SERIES): how many were sent, and their p50 / p99 / max. */
function latencySeries(pairs, started) {
  return bySecond(pairs, started).map((sorted, second) => ({ second, sent: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) }));
}

/** `[label, value]` rows, aligned. */
export function formatRows(rows) {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** A Markdown table from a header row and rows. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
