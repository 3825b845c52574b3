// Loaded into each Herald service by the benchmarks when BENCH_CPU_PROF=<dir> is set (node --require): the first
// SIGUSR2 starts a V8 CPU profile, the next one writes it to <dir>/<service>-<pid>-<n>.cpuprofile. A profile then
// covers one phase of a benchmark, not the service's start (and does not depend on how the process ends: NestJS
// re-raises SIGTERM after its shutdown hooks, and node --cpu-prof writes nothing on a signal).
// BENCH_PROF_KIND=heap samples allocations instead (<service>-<pid>-<n>.heapprofile), the garbage among them: where
// the bytes a garbage collector must sweep are allocated.
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const dir = path.resolve(process.env.BENCH_CPU_PROF);
const service = /apps\/([^/]+)\/src\/main\.js$/.exec(process.argv[1] ?? '')?.[1] ?? 'node';
const session = new Session();
session.connect();
const kind =
  process.env.BENCH_PROF_KIND === 'heap'
    ? {
        start: () => session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }),
        stop: 'HeapProfiler.stopSampling',
        extension: 'heapprofile',
      }
    : { start: () => session.post('Profiler.enable', () => session.post('Profiler.start')), stop: 'Profiler.stop', extension: 'cpuprofile' };
let running = false;
let written = 0;
process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    kind.start();
    return;
  }
  running = false;
  session.post(kind.stop, (error, result) => {
    if (error) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${service}-${process.pid}-${++written}.${kind.extension}`), JSON.stringify(result.profile));
  });
});
