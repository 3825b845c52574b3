// Top self-time entries of V8 CPU profiles (`--cpu-prof`), one table per profile: what the bench's
// HERALD_BENCH_PROFILE writes. Names each profile after the service whose dist/apps/<name> it ran.
//
//   node tools/bench/profile-summary.mjs tmp/profiles [--top 15]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 15;
const inputs = args.length ? args : ['tmp/profiles'];
const files = inputs.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(p, f))
    : [p],
);

/** Where a frame is: package and file for dependencies, the last two path parts otherwise; line 1-based. */
function where({ url, lineNumber }) {
  if (!url) return '';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\/.*?([^/]+)$/.exec(url);
  const file = dependency ? `${dependency[1]}:${dependency[2]}` : url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
  return `${file}:${lineNumber + 1}`;
}

/** Self time per function (name + file:line), in ms, and the service the profile belongs to. */
export function summarise(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  let service = '?';
  const entries = new Map();
  let total = 0;
  for (const [id, ms] of selfMs) {
    const { callFrame: f } = byId.get(id);
    total += ms;
    const key = `${f.functionName || '(anonymous)'} ${where(f)}`.trim();
    entries.set(key, (entries.get(key) ?? 0) + ms);
  }
  for (const n of profile.nodes) {
    const m = /dist\/apps\/([^/]+)\/src\/main\.js$/.exec(n.callFrame.url);
    if (m) {
      service = m[1];
      break;
    }
  }
  const idle = ['(idle)', '(program)', '(garbage collector)'].map((k) => [k, entries.get(k) ?? 0]);
  return { service, total, idle, entries: [...entries].sort((a, b) => b[1] - a[1]) };
}

for (const file of files) {
  const { service, total, idle, entries } = summarise(JSON.parse(readFileSync(file, 'utf8')));
  const busy = total - (idle[0][1] ?? 0);
  console.log(`\n${service} (${path.basename(file)}): ${(total / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s not idle`);
  for (const [name, ms] of entries.filter(([n]) => n !== '(idle)').slice(0, top)) {
    console.log(`  ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${(ms / 1000).toFixed(2).padStart(7)} s  ${name}`);
  }
}
