// Isolation benchmark: does one endpoint that never answers cost the others anything?
//
//   npm run bench:isolation      (HERALD_BENCH_EVENTS, default 20000 per run; HERALD_BENCH_KAFKA_PORT, default 39392)
//
// One stack on this machine (a fresh Kafka broker, the herald_bench_isolation database, the four services with
// their default settings, or what the environment sets, e.g. HERALD_ENDPOINT_MAX_QUEUED), 100 webhooks in 100 orgs, events spread
// evenly over the orgs. Three runs of the same size against the same stack: all 100 endpoints answer, then one of
// them (a loopback server that accepts the connection and never answers) hangs, then all answer again. Prints the deliveries/s of the 99 others in both runs, the ratio, and where
// the hanging endpoint's deliveries ended. Loopback only; every wait has a deadline; everything it started is
// stopped at the end, whatever happens. Not a test.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildHerald, formatRows, root, sleep, startHerald, startReceiver, waitFor } from './common.mjs';

const EVENTS = Number(process.env.HERALD_BENCH_EVENTS ?? 20_000);
const ENDPOINTS = 100;
const KAFKA_PORT = Number(process.env.HERALD_BENCH_KAFKA_PORT ?? 39_392);
const PORT_BASE = Number(process.env.HERALD_PORT_BASE ?? 4600);
/** Longest a run may take to deliver to the answering endpoints, and the hanging one's deliveries to settle. */
const DELIVERY_DEADLINE_MS = 600_000;
const SETTLE_DEADLINE_MS = 180_000;

async function main() {
  console.log(`building and starting Kafka (port ${KAFKA_PORT}), PostgreSQL and the four services…`);
  buildHerald();
  const cleanups = [];
  const results = { events: EVENTS, endpoints: ENDPOINTS };
  try {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const hungId = 'wh_hang_99';
    const webhooks = ['warm', 'base', 'hang', 'again'].flatMap((run) => Array.from({ length: ENDPOINTS }, (_, i) => ({
      id: `wh_${run}_${i}`,
      orgId: `org_${run}_${i}`,
      url: `${run}/${i}` === 'hang/99' ? receiver.hungUrl : `${receiver.url}/${run}/${i}`,
    })));
    // Default settings; HERALD_ENDPOINT_MAX_QUEUED and the like pass through from the environment.
    const stack = await startHerald({ kafkaPort: KAFKA_PORT, databaseUrl: 'postgres://postgres@127.0.0.1:5432/herald_bench_isolation', portBase: PORT_BASE, webhooks });
    cleanups.push(() => stack.stop());

    /** Produces `count` events spread over the run's orgs; resolves when the answering endpoints got theirs. */
    const run = async (name, count, answering) => {
      const expected = (count / ENDPOINTS) * answering;
      const started = Date.now();
      for (let sent = 0; sent < count; sent += 500) {
        const messages = Array.from({ length: Math.min(500, count - sent) }, (_, i) => {
          const n = sent + i;
          const org = `org_${name}_${n % ENDPOINTS}`;
          return { key: org, value: JSON.stringify({ id: `${name}-${n}`, type: 'deploy.failed', org_id: org, data: { n } }) };
        });
        await stack.produce(messages);
      }
      await waitFor(async () => (await receiver.stats(name)).count >= expected, { timeoutMs: DELIVERY_DEADLINE_MS });
      const { count: delivered, lastAt } = await receiver.stats(name);
      if (delivered < expected) throw new Error(`${name}: ${delivered} of ${expected} deliveries within ${DELIVERY_DEADLINE_MS / 1000} s`);
      const seconds = (lastAt - started) / 1000;
      return { events: count, deliveries: delivered, seconds, perSec: delivered / seconds };
    };

    // Warm-up: JIT, connection pools, consumer assignments.
    await run('warm', 2_000, ENDPOINTS);
    // The other 99 are measured in every run; in the runs without, the 100th answers too. The runs without come
    // before and after the one with, so a machine that speeds up or slows down over time favours neither side.
    const without = async (name) => {
      const measured = await run(name, EVENTS, ENDPOINTS);
      const others = measured.deliveries - EVENTS / ENDPOINTS;
      return { ...measured, others, othersPerSec: others / measured.seconds };
    };
    results.before = await without('base');
    const hang = await run('hang', EVENTS, ENDPOINTS - 1);
    results.with = { ...hang, others: hang.deliveries, othersPerSec: hang.perSec };
    results.after = await without('again');
    results.without = { othersPerSec: (results.before.othersPerSec + results.after.othersPerSec) / 2 };
    results.ratio = results.with.othersPerSec / results.without.othersPerSec;

    // Every delivery to the hanging endpoint ends delivered, pending, held or failed, with a reason.
    const perEndpoint = EVENTS / ENDPOINTS;
    const settleDeadline = Date.now() + SETTLE_DEADLINE_MS;
    let states = [];
    for (;;) {
      // Its own deliveries of the run's events (the org's `webhook.paused` event goes to it as well, and is held too).
      states = await stack.query(`SELECT status, count(*)::int AS n FROM deliveries WHERE destination_id = $1 AND event_id LIKE 'hang-%' GROUP BY status ORDER BY status`, [hungId]);
      const recorded = states.reduce((sum, s) => sum + s.n, 0);
      if (recorded === perEndpoint || Date.now() > settleDeadline) break;
      await sleep(1_000);
    }
    const reasons = await stack.query(
      `SELECT coalesce(a.error, '(held: no attempt)') AS reason, count(DISTINCT d.id)::int AS n FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.destination_id = $1 AND d.event_id LIKE 'hang-%' GROUP BY 1 ORDER BY 2 DESC`,
      [hungId],
    );
    results.hanging = { deliveries: perEndpoint, requestsReceived: await receiver.hungRequests(), states, reasons, notRecorded: perEndpoint - states.reduce((sum, s) => sum + s.n, 0) };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }

  const rows = [
    [`events per run (${ENDPOINTS} webhooks in ${ENDPOINTS} orgs)`, String(EVENTS)],
    ['other 99 endpoints, all 100 answering, before / after (deliveries/s)', `${results.before.othersPerSec.toFixed(0)} / ${results.after.othersPerSec.toFixed(0)}`],
    ['other 99 endpoints, one hanging (deliveries/s)', results.with.othersPerSec.toFixed(0)],
    ['with / without (mean of before and after)', `${(results.ratio * 100).toFixed(1)} % (loss ${((1 - results.ratio) * 100).toFixed(1)} %)`],
    ['run durations before / with / after (s)', `${results.before.seconds.toFixed(1)} / ${results.with.seconds.toFixed(1)} / ${results.after.seconds.toFixed(1)}`],
    ['hanging endpoint: requests it swallowed', String(results.hanging.requestsReceived)],
    ...results.hanging.states.map((s) => [`hanging endpoint: deliveries ${s.status}`, String(s.n)]),
    ['hanging endpoint: deliveries not in the log yet', String(results.hanging.notRecorded)],
    ...results.hanging.reasons.map((r) => [`  reason: ${r.reason}`, String(r.n)]),
  ];
  console.log(`\n${formatRows(rows)}`);
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  writeFileSync(path.join(root, 'tmp', 'bench-isolation.json'), JSON.stringify(results, null, 2));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
