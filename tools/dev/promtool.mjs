// promtool, for checking Herald's Prometheus config and alert rules (ops/test/alerts.spec.ts).
//
// Library:  ensurePromtool() → the path of a promtool binary.
// CLI:      node tools/dev/promtool.mjs [promtool args]   (runs it, e.g. `check rules ops/prometheus/herald-alerts.yml`)
//
// Where it comes from, first match wins: $PROMTOOL; `promtool` on PATH; else, once, Debian's `prometheus` package
// (bookworm ships 2.42.0), fetched with `apt-get download` (no root needed: it only downloads the .deb) and
// unpacked with `dpkg-deb -x` into <cache>/prometheus-2.42.0. Only promtool is used from it; Prometheus itself
// never runs here.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { heraldCacheDir } from '../kafka/kafka.mjs';

const PROMETHEUS_VERSION = '2.42.0';

/** @returns {string} an executable promtool */
export function ensurePromtool() {
  if (process.env.PROMTOOL) return process.env.PROMTOOL;
  const onPath = findOnPath('promtool');
  if (onPath) return onPath;

  const home = path.join(heraldCacheDir(), `prometheus-${PROMETHEUS_VERSION}`);
  const promtool = path.join(home, 'usr', 'bin', 'promtool');
  if (existsSync(promtool)) return promtool;

  process.stderr.write(`promtool: fetching Debian's prometheus ${PROMETHEUS_VERSION} package into ${home} (first run only)\n`);
  mkdirSync(path.dirname(home), { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'herald-promtool-'));
  try {
    try {
      execFileSync('apt-get', ['download', 'prometheus'], { cwd: work, stdio: 'pipe' });
    } catch (err) {
      throw new Error(`promtool: not on PATH and \`apt-get download prometheus\` failed; install promtool or set PROMTOOL\n${err.stderr ?? err.message}`);
    }
    const deb = readdirSync(work).find((f) => f.startsWith('prometheus_') && f.endsWith('.deb'));
    if (!deb?.startsWith(`prometheus_${PROMETHEUS_VERSION}`)) {
      throw new Error(`promtool: apt offers ${deb ?? 'no prometheus package'}, expected ${PROMETHEUS_VERSION}; install promtool or set PROMTOOL`);
    }
    const unpacked = path.join(work, 'root');
    execFileSync('dpkg-deb', ['-x', path.join(work, deb), unpacked], { stdio: 'pipe' });
    // Unpack privately and rename into place, so two first runs at once never see a half-written tree.
    try {
      renameSync(unpacked, home);
    } catch (err) {
      if (!existsSync(promtool)) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return promtool;
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    execFileSync(ensurePromtool(), process.argv.slice(2), { stdio: 'inherit' });
  } catch (err) {
    process.exit(err.status ?? 1);
  }
}
