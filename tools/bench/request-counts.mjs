// Requests a second per service from what request-count-preload.cjs wrote (BENCH_REQUEST_COUNTS=<dir>): over the
// busiest window of each service (default 15 s: a phase of the bench, not its start), Kafka requests per API and
// SQL statements per text. Prints Markdown.
//
//   node tools/bench/request-counts.mjs <dir> [window seconds=15]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { markdownTable } from './common.mjs';

const [dir = 'tmp/request-counts', windowArg = '15'] = process.argv.slice(2);
const windowMs = Number(windowArg) * 1000;

const total = (counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);
const delta = (later, earlier) => Object.fromEntries(Object.entries(later).map(([k, n]) => [k, n - (earlier[k] ?? 0)]));

for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
  const rows = readFileSync(path.join(dir, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  let busiest = null;
  for (let i = 0, j = 0; i < rows.length; i++) {
    while (j < rows.length && rows[j].at - rows[i].at < windowMs) j++;
    if (j === rows.length) break;
    const seconds = (rows[j].at - rows[i].at) / 1000;
    const kafka = delta(rows[j].kafka, rows[i].kafka);
    const sql = delta(rows[j].sql, rows[i].sql);
    if (!busiest || total(kafka) + total(sql) > busiest.load) busiest = { load: total(kafka) + total(sql), seconds, kafka, sql };
  }
  if (!busiest) continue;
  const rate = (n) => Math.round(n / busiest.seconds);
  const lines = [
    ...Object.entries(busiest.kafka).map(([api, n]) => ['Kafka', api, rate(n)]),
    ...Object.entries(busiest.sql).map(([text, n]) => ['SQL', `\`${text}\``, rate(n)]),
  ].filter(([, , perSec]) => perSec > 0).sort((a, b) => b[2] - a[2]);
  console.log(`\n${file.replace(/-\d+\.jsonl$/, '')} (busiest ${busiest.seconds.toFixed(0)} s)\n`);
  console.log(markdownTable(['kind', 'request', 'per second'], lines));
}
