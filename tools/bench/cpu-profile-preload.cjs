// Loaded into each Herald service by the benchmarks when BENCH_CPU_PROF=<dir> is set (node --require): the first
// SIGUSR2 starts a V8 CPU profile, the next one writes it to <dir>/<service>-<pid>-<n>.cpuprofile. A profile then
// covers one phase of a benchmark, not the service's start (and does not depend on how the process ends: NestJS
// re-raises SIGTERM after its shutdown hooks, and node --cpu-prof writes nothing on a signal).
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const dir = path.resolve(process.env.BENCH_CPU_PROF);
const service = /apps\/([^/]+)\/src\/main\.js$/.exec(process.argv[1] ?? '')?.[1] ?? 'node';
const session = new Session();
session.connect();
let running = false;
let written = 0;
process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${service}-${process.pid}-${++written}.cpuprofile`), JSON.stringify(result.profile));
  });
});
