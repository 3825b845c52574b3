// The functions that spent the most CPU in a V8 .cpuprofile (node --cpu-prof, or the benches' BENCH_CPU_PROF): self
// time per function, summed over the profile's nodes, as a share of the time the thread was busy (idle samples left
// out), then the same summed by where the code comes from (a package, a Herald lib or app, node's own, native).
// Prints Markdown tables. Given a sampling heap profile (BENCH_PROF_KIND=heap), the same for bytes allocated.
//
//   node tools/bench/cpuprofile-top.mjs <file.cpuprofile|file.heapprofile> [count=10]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { markdownTable, root } from './common.mjs';

/** Where a call frame's code comes from: `kafkajs`, `libs/deliveries`, `node`, `(native)`. */
function origin(url) {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node';
  const file = path.relative(root, url.replace(/^file:\/\//, ''));
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1];
  const own = /^dist\/((?:libs|apps)\/[^/]+)/.exec(file);
  return own ? own[1] : file;
}

/** `{ busyMs, idleMs, functions: [{ name, where, selfMs, share }], origins: [{ origin, selfMs, share }] }`. */
export function summariseProfile(profile, count = 10) {
  const selfById = new Map();
  // Each sample names the node running then; timeDeltas[i] is the time since the previous sample.
  profile.samples.forEach((id, i) => selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map();
  const origins = new Map();
  let busy = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const micros = selfById.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const where = url ? `${path.relative(root, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}\u0000${where}`;
    functions.set(key, (functions.get(key) ?? 0) + micros);
    const from = origin(url);
    origins.set(from, (origins.get(from) ?? 0) + micros);
  }
  const top = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
  return {
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    functions: top(functions).map(([key, micros]) => {
      const [name, where] = key.split('\u0000');
      return { name, where, selfMs: micros / 1000, share: micros / busy };
    }),
    origins: top(origins).map(([from, micros]) => ({ origin: from, selfMs: micros / 1000, share: micros / busy })),
  };
}

/** A sampling heap profile's tree as a CPU profile's nodes and samples, bytes standing for microseconds. */
function heapAsCpuProfile(heap) {
  const nodes = [];
  const walk = (node) => {
    nodes.push(node);
    node.children.forEach(walk);
  };
  walk(heap.head);
  return { nodes, samples: nodes.map((node) => node.id), timeDeltas: nodes.map((node) => node.selfSize) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count = '10'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node tools/bench/cpuprofile-top.mjs <file.cpuprofile|file.heapprofile> [count]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  if (profile.head) {
    const summary = summariseProfile(heapAsCpuProfile(profile), Number(count));
    const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
    const share = (v) => `${(v * 100).toFixed(1)} %`;
    console.log(`allocated ${mib(summary.busyMs * 1000)} MiB (sampled)\n`);
    console.log(markdownTable(['MiB', 'share', 'allocated by', 'where'], summary.functions.map((r) => [mib(r.selfMs * 1000), share(r.share), `\`${r.name}\``, r.where ? `\`${r.where}\`` : ''])));
    console.log(`\n${markdownTable(['MiB', 'share', 'code from'], summary.origins.map((r) => [mib(r.selfMs * 1000), share(r.share), `\`${r.origin}\``]))}`);
    process.exit(0);
  }
  const summary = summariseProfile(profile, Number(count));
  const share = (v) => `${(v * 100).toFixed(1)} %`;
  console.log(`busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s\n`);
  console.log(markdownTable(['self ms', 'share of busy', 'function', 'where'], summary.functions.map((r) => [r.selfMs.toFixed(0), share(r.share), `\`${r.name}\``, r.where ? `\`${r.where}\`` : ''])));
  console.log(`\n${markdownTable(['self ms', 'share of busy', 'code from'], summary.origins.map((r) => [r.selfMs.toFixed(0), share(r.share), `\`${r.origin}\``]))}`);
}
