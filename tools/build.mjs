// Compiles TypeScript sources to dist/ with swc (type checking is `npm run typecheck`), and bundles the web
// console (apps/console, a browser app) with Vite into dist/apps/console, where ingest serves it.
// Usage: node tools/build.mjs [projectRoot ...]   (default: apps and libs)
import { readdirSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { transformFileSync } = require('@swc/core');
const { swcOptions, root } = require('./swc-options.js');

const options = swcOptions({ rewritePaths: true });

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (entry.name.endsWith('.ts') && !/\.(spec|e2e)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

const CONSOLE = path.join(root, 'apps', 'console');
const CONSOLE_OUT = path.join(root, 'dist', 'apps', 'console', 'index.html');

/** Newest modification time under `dir` (the console's sources), to skip a bundle that is up to date. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

async function buildConsole() {
  if ((statSync(CONSOLE_OUT, { throwIfNoEntry: false })?.mtimeMs ?? 0) > newest(CONSOLE)) return console.log('console: up to date in dist/apps/console');
  const { build } = await import('vite');
  await build({ configFile: path.join(CONSOLE, 'vite.config.mts') });
  console.log('console: bundled into dist/apps/console');
}

const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['apps', 'libs'];
let count = 0;
for (const target of targets) {
  const dir = path.resolve(root, target);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
  if (dir === CONSOLE || dir === path.join(root, 'apps')) await buildConsole();
  for (const file of sources(dir)) {
    if (file.startsWith(CONSOLE + path.sep)) continue;
    const out = path.join(root, 'dist', path.relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = transformFileSync(file, { ...options, filename: file, sourceFileName: path.relative(path.dirname(out), file) });
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${code}\n//# sourceMappingURL=${path.basename(out)}.map`);
    if (map) writeFileSync(`${out}.map`, map);
    count++;
  }
}
console.log(`built ${count} files into dist/`);
