// `npm test`: typecheck, build (the e2e suite runs the compiled services from dist/), then jest.
// Extra arguments go to jest: `npm test -- --selectProjects kafka`, `npm test -- -t 'retries'`.
//
// Jest runs in band by default: the integration and e2e suites share one broker and one database and start
// the four services, which on two cores is faster and steadier one file at a time than with parallel workers.
// Pass --maxWorkers/-w (or HERALD_TEST_WORKERS=n) to choose otherwise. The global setup provides Kafka and
// PostgreSQL (tools/dev/jest-global-setup.js); HERALD_TEST_INFRA=skip leaves them out. CI=true adds --ci.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const timings = [];
// A one-shot run has no use for nx's background daemon or its cloud cache.
process.env.NX_DAEMON ??= 'false';
process.env.NX_NO_CLOUD ??= 'true';

let current = null;
// Ctrl-C reaches the running phase directly (same process group); a SIGTERM sent to this process alone (a CI
// timeout, npm) is passed on. Either way this process waits for the phase to finish its own cleanup.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => current?.kill('SIGTERM'));

function run(name, command, args) {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${[path.basename(command), ...args.map((a) => (a.startsWith(root) ? path.relative(root, a) : a))].join(' ')}`);
  return new Promise((resolve) => {
    current = spawn(command, args, { cwd: root, stdio: 'inherit' });
    current.once('error', (err) => {
      console.error(`${name}: ${err.message}`);
      resolve(1);
    });
    current.once('exit', (code, signal) => {
      current = null;
      const ms = Date.now() - started;
      timings.push({ name, ms, code: code ?? signal });
      console.log(`◀ ${name}: ${code === 0 ? 'ok' : `failed (${code ?? signal})`} in ${seconds(ms)}`);
      resolve(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1));
    });
  });
}

function summary() {
  console.log(`\ntimings: ${timings.map((t) => `${t.name} ${seconds(t.ms)}${t.code === 0 ? '' : ' ✗'}`).join(' · ')}`);
}

function jestArgs(extra) {
  const args = [...extra];
  const chooses = (flag) => args.some((a) => a === flag || a.startsWith(`${flag}=`));
  if (!['--runInBand', '-i', '--maxWorkers', '-w'].some(chooses)) {
    const workers = process.env.HERALD_TEST_WORKERS;
    args.unshift(...(workers ? [`--maxWorkers=${workers}`] : ['--runInBand']));
  }
  if (process.env.CI === 'true' && !chooses('--ci')) args.unshift('--ci');
  return args;
}

async function main() {
  const node = process.execPath;
  let code = await run('typecheck', node, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  // The console is a browser app with its own compiler settings (DOM, JSX).
  if (code === 0) code = await run('typecheck console', node, [require.resolve('typescript/bin/tsc'), '-p', 'apps/console/tsconfig.json', '--noEmit']);
  if (code === 0) code = await run('lint', node, [require.resolve('nx/bin/nx'), 'run-many', '-t', 'lint', '--outputStyle=static', '--skipNxCache']);
  if (code === 0) code = await run('build', node, [path.join(root, 'tools', 'build.mjs')]);
  // --experimental-vm-modules lets jest (on Node >= 24.9) load ES modules from CommonJS tests: the e2e suite
  // imports tools/dev/services.mjs. kafkajs 2.2.4 passes negative delays to setTimeout, which Node 24 reports
  // as a TimeoutNegativeWarning; it is harmless (Node uses 1 ms), so it is hidden.
  const jestNode = ['--experimental-vm-modules', '--disable-warning=TimeoutNegativeWarning'];
  if (code === 0) code = await run('jest', node, [...jestNode, require.resolve('jest/bin/jest'), ...jestArgs(process.argv.slice(2))]);
  summary();
  process.exitCode = code;
}

main();
