// Prometheus and promtool from Debian's `prometheus` package: promtool checks Herald's config and alert rules
// (ops/test/alerts.spec.ts), and the server runs the live monitoring test (e2e/monitoring.e2e.ts) against a stack.
//
// Library:  ensurePromtool() → a promtool binary; ensurePrometheus() → a prometheus binary;
//           startPrometheus({ port, targets, ruleFiles, dataDir }) → a running server scraping `targets` every second.
// CLI:      node tools/dev/prometheus.mjs promtool [args]   (runs promtool, e.g. `check rules ops/prometheus/herald-alerts.yml`)
//
// Where the binaries come from, first match wins: $PROMTOOL / $PROMETHEUS; on PATH; else, once, Debian's
// `prometheus` package (bookworm ships 2.42.0), fetched with `apt-get download` (no root needed: it only
// downloads the .deb) and unpacked with `dpkg-deb -x` into <cache>/prometheus-2.42.0.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { heraldCacheDir } from '../kafka/kafka.mjs';

const PROMETHEUS_VERSION = '2.42.0';

/** @returns {string} an executable promtool */
export function ensurePromtool() {
  return process.env.PROMTOOL ?? findOnPath('promtool') ?? path.join(debianPackage(), 'usr', 'bin', 'promtool');
}

/** @returns {string} an executable prometheus server */
export function ensurePrometheus() {
  return process.env.PROMETHEUS ?? findOnPath('prometheus') ?? path.join(debianPackage(), 'usr', 'bin', 'prometheus');
}

/** The unpacked package (its usr/bin holds both binaries), fetched on first use. */
function debianPackage() {
  const home = path.join(heraldCacheDir(), `prometheus-${PROMETHEUS_VERSION}`);
  const marker = path.join(home, 'usr', 'bin', 'prometheus');
  if (existsSync(marker)) return home;

  process.stderr.write(`prometheus: fetching Debian's prometheus ${PROMETHEUS_VERSION} package into ${home} (first run only)\n`);
  mkdirSync(path.dirname(home), { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'herald-prometheus-'));
  try {
    try {
      execFileSync('apt-get', ['download', 'prometheus'], { cwd: work, stdio: 'pipe' });
    } catch (err) {
      throw new Error(`prometheus: not on PATH and \`apt-get download prometheus\` failed; install it or set PROMTOOL / PROMETHEUS\n${err.stderr ?? err.message}`);
    }
    const deb = readdirSync(work).find((f) => f.startsWith('prometheus_') && f.endsWith('.deb'));
    if (!deb?.startsWith(`prometheus_${PROMETHEUS_VERSION}`)) {
      throw new Error(`prometheus: apt offers ${deb ?? 'no prometheus package'}, expected ${PROMETHEUS_VERSION}; install it or set PROMTOOL / PROMETHEUS`);
    }
    const unpacked = path.join(work, 'root');
    execFileSync('dpkg-deb', ['-x', path.join(work, deb), unpacked], { stdio: 'pipe' });
    // Unpack privately and rename into place, so two first runs at once never see a half-written tree.
    try {
      renameSync(unpacked, home);
    } catch (err) {
      if (!existsSync(marker)) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return home;
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Starts a Prometheus server that scrapes `targets` (job "herald", each labelled with its `service`, as the
 * shipped scrape config does) and evaluates `ruleFiles`, both every `intervalSeconds`. Resolves once its
 * HTTP API is ready. `stop()` ends it and removes its data.
 *
 * @param {object} opts
 * @param {number} opts.port
 * @param {{ service: string, url: string }[]} opts.targets  base URLs (http://host:port) of the services
 * @param {string[]} [opts.ruleFiles]  absolute paths
 * @param {number} [opts.intervalSeconds]
 * @returns {Promise<{ url: string, stop(): Promise<void>, retarget(targets: { service: string, url: string }[]): Promise<void>, log(): string }>}
 */
export async function startPrometheus({ port, targets, ruleFiles = [], intervalSeconds = 1 }) {
  // A server left on the port (by a run that was killed) would answer every query below with its own, stale state.
  const taken = await fetch(`http://127.0.0.1:${port}/-/ready`).then(() => true, () => false);
  if (taken) throw new Error(`prometheus: port ${port} on 127.0.0.1 is already in use (a leftover server?)`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'herald-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  const writeConfig = (scraped) => {
    const config = {
      global: { scrape_interval: `${intervalSeconds}s`, evaluation_interval: `${intervalSeconds}s` },
      rule_files: ruleFiles,
      scrape_configs: [
        {
          job_name: 'herald',
          honor_labels: true,
          scrape_timeout: `${intervalSeconds}s`,
          static_configs: scraped.map(({ service, url }) => ({ targets: [new URL(url).host], labels: { service } })),
        },
      ],
    };
    // JSON is YAML: no YAML writer needed for a config this plain.
    writeFileSync(configFile, JSON.stringify(config, null, 2));
  };
  writeConfig(targets);
  const output = [];
  const child = spawn(
    ensurePrometheus(),
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-lifecycle', '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}:\n${output.join('')}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 30 s:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  /** Scrapes `scraped` from now on instead (an empty list: Herald's targets vanish, as after a broken scrape config). */
  const retarget = async (scraped) => {
    writeConfig(scraped);
    const response = await fetch(`${url}/-/reload`, { method: 'POST' });
    if (!response.ok) throw new Error(`prometheus reload answered ${response.status}: ${await response.text()}`);
  };
  return { url, stop, retarget, log: () => output.join('') };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [tool, ...args] = process.argv.slice(2);
  if (tool !== 'promtool') {
    process.stderr.write('usage: node tools/dev/prometheus.mjs promtool [args]\n');
    process.exit(2);
  }
  try {
    execFileSync(ensurePromtool(), args, { stdio: 'inherit' });
  } catch (err) {
    process.exit(err.status ?? 1);
  }
}
