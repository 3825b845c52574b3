// Side by side, in one run and against one receiver process: the raw undici ceiling, a BullMQ + Redis worker doing
// Herald's work (sign each delivery, 6 attempts with exponential backoff, 64 concurrent), and Herald as shipped (the
// four services with their default settings, signing and the delivery log on). Two rounds, the order of the
// systems reversed in the second; prints both rounds, the medians and the ratios. Not a test.
//
//   npm run bench:compare
//   BENCH_SCALE=0.1 npm run bench:compare          quick: a tenth of the events, 2 s at the steady rate
//
// Settings (environment): BENCH_SCALE (1), BENCH_ROUNDS (2), BENCH_SYSTEMS (raw,bullmq,herald), BENCH_PHASES
// (burst,steady,fanout100,hang), BENCH_KAFKA_PORT (35192), BENCH_DATABASE_URL (…/herald_bench_h5), BENCH_PORT_BASE
// (4750), BENCH_REDIS_DB (5: the only Redis database it writes to, flushed before and after), BENCH_WARM_EVENTS (50:
// the warm-up fan-out, events × 20 endpoints),
// BENCH_CPU_PROF=<dir> (a V8 CPU profile per Herald service and phase, see cpuprofile-top.mjs; BENCH_PROF_KIND=heap for
// an allocation profile instead), BENCH_STEADY_RATE
// (1000 events/s: lower it to find the rate up to which a system keeps its latency), BENCH_LATENCY_SERIES=1 (the
// steady phase second by second: p50 / p99 / max produce→receiver of the events sent in each second, and for
// Herald how long they took to reach each topic on the way, from its records' timestamps; where a p99 comes from),
// BENCH_TIMELINE=1 (deliveries received in each 250 ms of a phase: where a burst's time goes, its ramp and its tail),
// BENCH_KAFKA_GC_LOG=<file> (the broker's garbage-collection log: its pauses hold up every hop), BENCH_KAFKA_JVM=kafka
// (the broker with Kafka's own JVM flags, G1 and both JIT tiers, instead of the lean serial/C1 default).
//
// Phases, each system in turn:
//   burst      2,000 events × 20 endpoints, as fast as it goes: deliveries/s
//   steady     1,000 events/s for 20 s, spread over 4 endpoints: delivered/s and produce→receiver p50/p95/p99, and
//              p50/p99 of the events sent after the first 5 s (the first seconds drain what the burst left)
//   fanout100  1,000 events × 100 endpoints: deliveries/s
//   hang       the same with endpoint 100 a server that accepts and never answers: the other 99's deliveries/s
// CPU seconds per 1,000 deliveries per process (utime+stime from /proc, before/after the phase) and peak RSS.
// Everything is co-located on this machine, which is shared: compare figures of the same run, not across runs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  atRate, benchStackSettings, buildHerald, forkWorker, formatRows, markdownTable, median, pidsByName, range, require, root, runFanout,
  startHerald, startMeter, startReceiver, summarise, waitFor,
} from './common.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 1000);
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? 'raw,bullmq,herald').split(',');
const PHASE_NAMES = (process.env.BENCH_PHASES ?? 'burst,steady,fanout100,hang').split(',');
const REDIS = { host: '127.0.0.1', port: 6379, db: Number(process.env.BENCH_REDIS_DB ?? 5) };

const PHASES = {
  burst: { kind: 'fanout', events: Math.round(2000 * SCALE), endpoints: 20, deadlineMs: 600_000 },
  // settleMs: the first seconds after a burst (or a start) drain what they met; the steady rate's own latency is after.
  steady: { kind: 'rate', rate: STEADY_RATE, seconds: Math.max(2, Math.round(20 * SCALE)), settleMs: Math.round(5_000 * SCALE), endpoints: 4, deadlineMs: 300_000 },
  fanout100: { kind: 'fanout', events: Math.round(1000 * SCALE), endpoints: 100, deadlineMs: 900_000 },
  hang: { kind: 'fanout', events: Math.round(1000 * SCALE), endpoints: 100, hung: 99, deadlineMs: 900_000 },
};
/** The raw client has no fan-out and no retries: it runs the burst and the steady rate only. */
const RAW_PHASES = new Set(['burst', 'steady']);
/** Before its phases each system delivers this fan-out once (BENCH_WARM_EVENTS events × 20 endpoints, default 50). */
const WARM = { kind: 'fanout', events: Number(process.env.BENCH_WARM_EVENTS ?? 50), endpoints: 20, deadlineMs: 300_000 };

const runName = (round, system, phase) => `r${round}-${system}-${phase}`;
const endpointUrl = (receiver, run, spec, i) => (spec.hung === i ? receiver.hungUrl : `${receiver.url}/${run}/${i}`);
const envelope = (run, n, orgId) => ({ id: `${run}-${n}`, type: 'deploy.failed', org_id: orgId, data: { sent_at: Date.now(), n } });

// ---------------------------------------------------------------------------------------------------------------
// The three systems, each started per round, warmed up, and then driven phase by phase: `(round, receiver)` →
// { processGroups(), submit(run, spec, ns) (or fanout(run, spec) and rate(run, spec) doing a whole phase itself),
//   profile?(), stop() }.

const systems = {
  async raw(round, receiver) {
    const client = forkWorker('raw-client.mjs');
    await client.ready;
    const urls = (run, spec) => Array.from({ length: spec.endpoints }, (_, i) => endpointUrl(receiver, run, spec, i));
    const instance = {
      processGroups: () => [{ name: 'undici client', pids: [client.pid] }],
      fanout: (run, spec) => client.call('burst', { urls: urls(run, spec), count: spec.events * spec.endpoints, concurrency: 64 }),
      rate: (run, spec) => client.call('rate', { urls: urls(run, spec), rate: spec.rate, seconds: spec.seconds }),
      stop: () => client.stop(),
    };
    await instance.fanout(runName(round, 'raw', 'warm'), WARM);
    return instance;
  },

  async bullmq(round, receiver) {
    const { Queue } = require('bullmq');
    const flush = () => execFileSync('redis-cli', ['-h', REDIS.host, '-p', String(REDIS.port), '-n', String(REDIS.db), 'FLUSHDB'], { stdio: 'ignore' });
    flush();
    const name = `herald-bench-r${round}`;
    const queue = new Queue(name, { connection: REDIS });
    const worker = forkWorker('bullmq-worker.mjs', { env: { BENCH_QUEUE: name, BENCH_REDIS: JSON.stringify(REDIS) } });
    await worker.ready;
    const secrets = Array.from({ length: 100 }, () => `whsec_${randomBytes(24).toString('base64')}`);
    const opts = { attempts: 6, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 86_400 } };
    const submit = (run, spec, ns) => {
      const jobs = [];
      for (const n of ns) {
        const targets = spec.kind === 'rate' ? [n % spec.endpoints] : Array.from({ length: spec.endpoints }, (_, i) => i);
        const event = envelope(run, n, 'org_bench');
        for (const i of targets) jobs.push({ name: 'deliver', data: { url: endpointUrl(receiver, run, spec, i), secret: secrets[i], event }, opts });
      }
      return addInChunks(queue, jobs);
    };
    const redisPids = pidsByName('redis-server');
    const instance = {
      processGroups: () => [{ name: 'bullmq worker', pids: [worker.pid] }, { name: 'redis', pids: redisPids }],
      submit,
      stop: async () => {
        await worker.stop();
        await queue.obliterate({ force: true }).catch(() => {});
        await queue.close();
        flush();
      },
    };
    await runFanout(instance, receiver, runName(round, 'bullmq', 'warm'), WARM);
    return instance;
  },

  async herald(round, receiver) {
    const ident = (run) => run.replaceAll('-', '_');
    // One org holds all the endpoints of a fan-out phase; at the steady rate each endpoint has an org of its own.
    const orgFor = (run, spec, i) => (spec.kind === 'rate' ? `org_${ident(run)}_${i}` : `org_${ident(run)}`);
    const webhooks = [];
    const orgOf = {};
    const add = (run, spec) => {
      for (let i = 0; i < spec.endpoints; i++) {
        webhooks.push({ id: `wh_${ident(run)}_${i}`, orgId: orgFor(run, spec, i), url: endpointUrl(receiver, run, spec, i) });
      }
      orgOf[run] = (n) => orgFor(run, spec, n % spec.endpoints);
    };
    add(runName(round, 'herald', 'warm'), WARM);
    for (const phase of PHASE_NAMES) add(runName(round, 'herald', phase), PHASES[phase]);
    const stack = await startHerald({ ...benchStackSettings(), webhooks });
    const instance = {
      processGroups: stack.processGroups,
      profile: stack.profile,
      hops: stack.hops,
      submit: (run, spec, ns) => stack.produce(ns.map((n) => {
        const orgId = orgOf[run](n);
        return { key: orgId, value: JSON.stringify(envelope(run, n, orgId)) };
      })),
      stop: stack.stop,
    };
    try {
      await runFanout(instance, receiver, runName(round, 'herald', 'warm'), WARM);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return instance;
  },
};

async function addInChunks(queue, jobs) {
  for (let i = 0; i < jobs.length; i += 1000) await queue.addBulk(jobs.slice(i, i + 1000));
}

// ---------------------------------------------------------------------------------------------------------------
// Phases

/** `rate` events a second for `seconds`, each to one of the endpoints in turn. */
async function runRate(system, receiver, run, spec) {
  const total = spec.rate * spec.seconds;
  const started = Date.now();
  if (system.rate) await system.rate(run, spec);
  else await atRate(spec.rate, spec.seconds, (from, to) => system.submit(run, spec, range(from, to)));
  const producedAt = Date.now();
  const complete = await waitFor(async () => (await receiver.stats(run)).timed >= total, { timeoutMs: spec.deadlineMs, intervalMs: 50 });
  const stats = await receiver.stats(run, { latencies: true });
  const hops = process.env.BENCH_LATENCY_SERIES && system.hops ? await system.hops(run, started) : undefined;
  return { ...summarise(stats, started, { settleMs: spec.settleMs }), expected: total, complete, drainMs: stats.lastAt - producedAt, hops };
}

async function runPhase(system, receiver, round, name, phase) {
  const spec = PHASES[phase];
  const run = runName(round, name, phase);
  const meter = startMeter(system.processGroups);
  system.profile?.();
  const result = spec.kind === 'rate' ? await runRate(system, receiver, run, spec) : await runFanout(system, receiver, run, spec);
  system.profile?.();
  const processes = await meter.stop();
  const cpuSeconds = Object.values(processes).reduce((sum, p) => sum + p.cpuSeconds, 0);
  return { ...result, processes, cpuSeconds, cpuPer1000: (cpuSeconds / result.deliveries) * 1000 };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const fmt = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const pct = (v) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(0)} %` : '–');

/** One round's (or the medians') figures as table rows: [label, raw, bullmq, herald]. */
function tableRows(r) {
  const get = (system, phase) => r[system]?.[phase];
  const cell = (phase, f) => SYSTEMS_ORDER.map((s) => (get(s, phase) ? f(get(s, phase), s) : ''));
  const cpuCell = (p) => `${fmt(p.cpuPer1000, 3)} (${Object.entries(p.processes).sort((a, b) => b[1].cpuSeconds - a[1].cpuSeconds)
    .map(([name, g]) => `${name} ${fmt((g.cpuSeconds / p.deliveries) * 1000, 3)}`).join(', ')})`;
  const incomplete = (p) => (p.complete ? '' : ` (incomplete: ${p.deliveries} of ${p.expected})`);
  const rows = [
    [`burst: ${PHASES.burst.events} events × 20 endpoints, deliveries/s`, ...cell('burst', (p) => fmt(p.perSec) + incomplete(p))],
    [`${PHASES.steady.rate} events/s for ${PHASES.steady.seconds} s to 4 endpoints: delivered/s; p50 / p95 / p99 ms`, ...cell('steady', (p) => `${fmt(p.perSec)}; ${fmt(p.p50)} / ${fmt(p.p95)} / ${fmt(p.p99)}${incomplete(p)}`)],
    [`the same, events sent after its first ${PHASES.steady.settleMs / 1000} s: p50 / p99 ms`, ...cell('steady', (p) => `${fmt(p.settledP50)} / ${fmt(p.settledP99)}`)],
    [`${PHASES.fanout100.events} events × 100 endpoints, deliveries/s; p99 ms`, ...cell('fanout100', (p) => `${fmt(p.perSec)}; ${fmt(p.p99)}${incomplete(p)}`)],
    ['the same, one endpoint never answers: the other 99, deliveries/s (change); p99 ms', ...cell('hang', (p, s) => `${fmt(p.perSec)} (${pct(p.perSec / get(s, 'fanout100')?.perSec - 1)}); ${fmt(p.p99)}${incomplete(p)}`)],
    ['CPU-seconds per 1,000 deliveries, burst', ...cell('burst', cpuCell)],
    ['CPU-seconds per 1,000 deliveries, steady rate', ...cell('steady', cpuCell)],
    ['peak RSS, MiB', ...SYSTEMS_ORDER.map((s) => peakRss(r[s]))],
  ];
  const herald = r.herald;
  if (herald?.burst) {
    for (const [other, label] of [['bullmq', 'BullMQ'], ['raw', 'raw']]) {
      const o = r[other];
      if (!o?.burst) continue;
      rows.push([`Herald / ${label}: burst deliveries/s; CPU per delivery, burst`, '', '', `${fmt(herald.burst.perSec / o.burst.perSec, 2)}×; ${fmt(herald.burst.cpuPer1000 / o.burst.cpuPer1000, 2)}×`]);
    }
  }
  return rows;
}
const SYSTEMS_ORDER = ['raw', 'bullmq', 'herald'];

function peakRss(phases) {
  if (!phases) return '';
  const peaks = {};
  for (const p of Object.values(phases)) for (const [name, g] of Object.entries(p.processes)) peaks[name] = Math.max(peaks[name] ?? 0, g.peakRssMiB);
  return Object.entries(peaks).sort((a, b) => b[1] - a[1]).map(([name, mib]) => `${name} ${fmt(mib)}`).join(', ');
}

/** Per system and phase, the median of every figure over the rounds (processes' CPU and RSS too). */
function medians(rounds) {
  const out = {};
  for (const system of SYSTEMS_ORDER) {
    for (const phase of Object.keys(PHASES)) {
      const all = rounds.map((r) => r[system]?.[phase]).filter(Boolean);
      if (!all.length) continue;
      const m = {};
      for (const key of ['deliveries', 'expected', 'seconds', 'perSec', 'p50', 'p95', 'p99', 'max', 'settledP50', 'settledP99', 'cpuSeconds', 'cpuPer1000', 'drainMs']) m[key] = median(all.map((p) => p[key]));
      m.complete = all.every((p) => p.complete);
      m.processes = {};
      for (const name of new Set(all.flatMap((p) => Object.keys(p.processes)))) {
        m.processes[name] = {
          cpuSeconds: median(all.map((p) => ((p.processes[name]?.cpuSeconds ?? 0) / p.deliveries) * m.deliveries)),
          peakRssMiB: median(all.map((p) => p.processes[name]?.peakRssMiB ?? 0)),
        };
      }
      (out[system] ??= {})[phase] = m;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const unknown = [...SYSTEMS.filter((s) => !systems[s]), ...PHASE_NAMES.filter((p) => !PHASES[p])];
  if (unknown.length) throw new Error(`unknown in BENCH_SYSTEMS / BENCH_PHASES: ${unknown.join(', ')}`);
  const startedAt = Date.now();
  if (SYSTEMS.includes('herald')) {
    console.log('building Herald…');
    buildHerald();
  }
  const receiver = await startReceiver();
  const rounds = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? SYSTEMS : [...SYSTEMS].reverse();
      const results = {};
      for (const name of order) {
        console.log(`round ${round}: ${name}: starting`);
        const system = await systems[name](round, receiver);
        try {
          for (const phase of PHASE_NAMES) {
            if (name === 'raw' && !RAW_PHASES.has(phase)) continue;
            const result = await runPhase(system, receiver, round, name, phase);
            (results[name] ??= {})[phase] = result;
            console.log(`round ${round}: ${name}: ${phase}: ${fmt(result.perSec)}/s, p99 ${result.p99} ms, ${fmt(result.cpuPer1000, 3)} CPU-s per 1,000${result.complete ? '' : ' (INCOMPLETE)'}`);
            if (result.timeline) console.log(`  received per 250 ms: ${result.timeline.join(' ')}`);
            for (const s of result.series ?? []) {
              const hops = Object.entries(result.hops ?? {}).map(([topic, series]) => `${topic} ${series[s.second]}`).join(', ');
              console.log(`  second ${s.second}: ${s.sent} sent, p50 ${s.p50} / p99 ${s.p99} / max ${s.max} ms${hops && `; reached ${hops}`}`);
            }
          }
        } finally {
          await system.stop();
        }
      }
      rounds.push(results);
      console.log(`\nround ${round} (order ${order.join(', ')})\n${formatRows(tableRows(results).map(([k, ...v]) => [k, v.join(' | ')]))}\n`);
    }
  } finally {
    await receiver.close();
  }
  const summary = medians(rounds);
  const header = ['figure', 'raw undici POST', 'BullMQ + Redis worker', 'Herald'];
  const markdown = [
    `Medians of ${rounds.length} round(s), BENCH_SCALE=${SCALE}:`, '', markdownTable(header, tableRows(summary)), '',
    ...rounds.flatMap((r, i) => [`Round ${i + 1}:`, '', markdownTable(header, tableRows(r)), '']),
  ].join('\n');
  console.log(`\n${markdown}\nwhole run: ${fmt((Date.now() - startedAt) / 1000)} s`);
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  writeFileSync(path.join(root, 'tmp', 'bench-compare.json'), JSON.stringify({ scale: SCALE, rounds, medians: summary }, null, 2));
  writeFileSync(path.join(root, 'tmp', 'bench-compare.md'), markdown);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
