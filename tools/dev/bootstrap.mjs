// prestart / pretest: installs the dependencies when they are missing or older than package-lock.json.
// Runs on whatever node the machine has (possibly v20, before node_modules/.bin/node exists): Node built-ins only.
// Silent when everything is in place.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync, writeFileSync, openSync, closeSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const nodeModules = path.join(root, 'node_modules');
const lock = path.join(root, 'package-lock.json');
// Our stamp, written after a successful install. npm's own hidden lockfile (node_modules/.package-lock.json,
// rewritten by every npm install/ci) counts too, so an install made by hand is not redone.
const stamps = [path.join(nodeModules, '.herald-installed'), path.join(nodeModules, '.package-lock.json')];

const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;

function installReason() {
  if (!existsSync(nodeModules)) return 'node_modules is missing';
  if (!existsSync(lock)) return null; // no lock: installs are the developer's business once node_modules exists
  const installed = Math.max(...stamps.map(mtime));
  return installed >= mtime(lock) ? null : 'package-lock.json changed since the last install';
}

/** One install at a time per checkout (npm start and npm test may both bootstrap a fresh clone). */
function withLock(fn) {
  const file = path.join(os.tmpdir(), `herald-bootstrap-${createHash('sha1').update(root).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      closeSync(openSync(file, 'wx'));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock older than the longest install is stale (its holder was killed).
      if (Date.now() - mtime(file) > 15 * 60_000) rmSync(file, { force: true });
      if (Date.now() > deadline) throw new Error(`bootstrap: gave up waiting for ${file}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(file, { force: true });
  }
}

function main() {
  if (!installReason()) return 0;
  return withLock(() => {
    const reason = installReason(); // another bootstrap may have installed while we waited
    if (!reason) return 0;
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const opts = { cwd: root, shell: process.platform === 'win32', maxBuffer: 256 * 1024 * 1024 };
    if (existsSync(lock)) {
      console.log(`bootstrap: ${reason}; running npm ci`);
      const ci = spawnSync(npm, ['ci'], { ...opts, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      if (ci.error) return fail(`could not run npm: ${ci.error.message}`);
      const output = `${ci.stdout}${ci.stderr}`;
      if (ci.status === 0) {
        process.stdout.write(output.split('\n').filter((line) => /^(added|removed|changed|up to date)/.test(line)).join('\n') + '\n');
      } else if (/EUSAGE/.test(output) && /in sync/.test(output)) {
        // npm ci refuses a lock that lacks other platforms' optional packages (npm/cli#4828, #8805); npm install
        // accepts it and installs the locked versions.
        const missing = output.split('\n').filter((line) => line.includes('Missing:')).length;
        console.warn(`bootstrap: npm ci refused package-lock.json (${missing} optional packages "missing from lock file"); running npm install instead`);
        const install = spawnSync(npm, ['install'], { ...opts, stdio: 'inherit' });
        if (install.error) return fail(`could not run npm: ${install.error.message}`);
        if (install.status !== 0) return fail(`npm install failed (exit code ${install.status ?? install.signal}); fix the error above and run it again`, install.status);
      } else {
        process.stderr.write(output);
        return fail(`npm ci failed (exit code ${ci.status ?? ci.signal}); fix the error above and run it again`, ci.status);
      }
    } else {
      console.log(`bootstrap: ${reason}; running npm install (no package-lock.json)`);
      const install = spawnSync(npm, ['install'], { ...opts, stdio: 'inherit' });
      if (install.error) return fail(`could not run npm: ${install.error.message}`);
      if (install.status !== 0) return fail(`npm install failed (exit code ${install.status ?? install.signal}); fix the error above and run it again`, install.status);
    }
    writeFileSync(stamps[0], `${new Date().toISOString()}\n`);
    return 0;
  });
}

function fail(message, status) {
  console.error(`bootstrap: ${message}`);
  return status || 1;
}

process.exitCode = main();
