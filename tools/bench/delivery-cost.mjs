// The per-delivery cost of two hot paths, without the rest of the system: building one signed raw request
// (canonical body + Standard Webhooks signature over 20 webhooks' secrets) and writing one delivery-log record
// (64 concurrent writers, group commit). With --against <other checkout>, the other tree's dist/ is timed too,
// rounds alternating, so a change can be compared on a busy machine. Prints a table; not a test.
//
//   node tools/bench/delivery-cost.mjs [--against /path/to/other/checkout]
//
// The log part writes to HERALD_BENCH_DATABASE_URL (default the herald_bench database, migrated by `npm run bench`)
// and deletes what it wrote.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const againstIndex = process.argv.indexOf('--against');
const trees = { this: here, ...(againstIndex > 0 ? { against: path.resolve(process.argv[againstIndex + 1]) } : {}) };
const DATABASE_URL = process.env.HERALD_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/herald_bench';
const ROUNDS = 4;
const REQUESTS = 20_000;
const RECORDS = 10_000;

for (const root of Object.values(trees)) execFileSync(process.execPath, ['tools/build.mjs', 'libs'], { cwd: root, stdio: 'ignore' });
const load = (root, lib) => require(path.join(root, 'dist', 'libs', lib, 'src', 'index.js'));
const secrets = Array.from({ length: 20 }, () => load(here, 'signing').generateSecret());
const createdAt = new Date().toISOString();

async function prepareCost({ prepareRequest }) {
  const started = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    const job = { delivery_id: `msg_${String(i).padStart(27, '0')}`, attempt: 1, destination: { kind: 'webhook', id: 'wh' }, event: { id: `e-${i}`, type: 'deploy.failed', org_id: 'org_bench', project_id: null, occurred_at: createdAt, created_at: createdAt, data: { n: i } } };
    const target = { id: 'wh', url: 'http://127.0.0.1/x', format: 'raw', signingScheme: 'standard', timeoutMs: 10_000, secrets: [secrets[i % secrets.length]], headerNames: {}, staticHeaders: [] };
    await prepareRequest(job, target, { headerPrefix: 'X-Herald-', userAgent: 'Herald/bench' });
  }
  const { user, system } = process.cpuUsage(started);
  return `${((user + system) / REQUESTS).toFixed(1)} µs CPU`;
}

let written = 0;
async function logCost(persistence, dataSource) {
  const deliveries = new persistence.DeliveryRepository(dataSource);
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < RECORDS) {
        const id = `msg_cost_bench_${written++}`;
        const ref = { id, orgId: 'org_bench', eventId: id, eventType: 'deploy.failed', destinationKind: 'webhook', destinationId: 'wh_bench' };
        await deliveries.recordAttempt(ref, 'succeeded', { attempt: 1, attemptedAt: new Date(), statusCode: 204, latencyMs: 2, responseBody: '', error: null, succeeded: true }, null);
      }
    }),
  );
  const { user, system } = process.cpuUsage(cpu);
  return `${(RECORDS / ((performance.now() - started) / 1000)).toFixed(0)} records/s, ${((user + system) / RECORDS).toFixed(1)} µs client CPU`;
}

const results = Object.fromEntries(Object.keys(trees).map((name) => [name, { prepare: [], log: [] }]));
const sources = {};
for (const [name, root] of Object.entries(trees)) sources[name] = await load(root, 'persistence').createDataSource(DATABASE_URL, 10).initialize();
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? Object.keys(trees).reverse() : Object.keys(trees);
    for (const name of order) {
      const prepare = await prepareCost(load(trees[name], 'webhook-transport'));
      const log = await logCost(load(trees[name], 'persistence'), sources[name]);
      // The first round warms up the JIT and the pool.
      if (round > 0) results[name].prepare.push(prepare), results[name].log.push(log);
    }
  }
} finally {
  await sources.this.query(`DELETE FROM delivery_attempts WHERE delivery_id LIKE 'msg_cost_bench_%'`);
  await sources.this.query(`DELETE FROM deliveries WHERE id LIKE 'msg_cost_bench_%'`);
  await Promise.all(Object.values(sources).map((ds) => ds.destroy()));
}
for (const [name, { prepare, log }] of Object.entries(results)) {
  console.log(`\n${name} (${trees[name]})`);
  console.log(`  one signed raw request:     ${prepare.join(' | ')}`);
  console.log(`  one delivery-log record:    ${log.join(' | ')}`);
}
