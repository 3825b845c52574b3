// The functions that spent the most CPU in a V8 .cpuprofile (node --cpu-prof): self time per function, summed over
// the profile's nodes, with its share of the sampled time. Prints a Markdown table.
//
//   node tools/bench/cpuprofile-top.mjs <file.cpuprofile> [count=10]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { markdownTable, root } from './common.mjs';

/** `[{ name, where, selfMs, share }]`, most self time first. */
export function topSelfTime(profile, count = 10) {
  const selfById = new Map();
  // Each sample names the node running then; timeDeltas[i] is the time since the previous sample.
  profile.samples.forEach((id, i) => selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const micros = selfById.get(node.id) ?? 0;
    total += micros;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${path.relative(root, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}\u0000${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
  }
  return [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, count).map(([key, micros]) => {
    const [name, where] = key.split('\u0000');
    return { name, where, selfMs: micros / 1000, share: micros / total };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count = '10'] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node tools/bench/cpuprofile-top.mjs <file.cpuprofile> [count]');
    process.exit(2);
  }
  const rows = topSelfTime(JSON.parse(readFileSync(file, 'utf8')), Number(count));
  console.log(markdownTable(['self ms', 'share', 'function', 'where'], rows.map((r) => [r.selfMs.toFixed(0), `${(r.share * 100).toFixed(1)} %`, `\`${r.name}\``, r.where ? `\`${r.where}\`` : ''])));
}
