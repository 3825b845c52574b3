// Runs Herald's four services from dist/ as child processes: used by `npm start` (tools/dev/start.mjs) and by the
// e2e suite (`await import(pathToFileURL('tools/dev/services.mjs').href)`). Pure ESM, no side effects on import.
//
// Each service runs in its own process group, so a Ctrl-C in the terminal reaches only the parent, which then
// sends each service exactly one SIGTERM (a second signal would cut short a NestJS graceful shutdown). If the
// parent dies without stopping them, an exit hook and a watchdog (watchParent) send SIGTERM for it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchParent } from '../kafka/kafka.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The four services, in port order. */
export const SERVICES = Object.freeze(['ingest', 'webhook-sender', 'email-sender', 'retry-scheduler']);

/**
 * glibc malloc's thresholds fixed at 128 KiB. By default glibc raises its mmap threshold to the size of each large
 * block freed (up to 32 MiB) and its trim threshold to twice that, so once a Kafka fetch response has been freed, later
 * ones come from the main heap, and what they leave there is kept: the sender's grew from 6 to 29 MiB in a burst.
 * Fixed, large blocks are mapped and returned, and the heap's top is given back: the sender's peak is 10–25 MiB lower
 * at the same CPU. Not for ingest, whose produce requests of many jobs are such blocks: mapping each one cost it
 * about 30 % more CPU with 100 endpoints (docs/performance.md, "Headroom, not live data").
 */
const FIXED_MALLOC_THRESHOLDS = Object.freeze({ MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' });

/**
 * Memory settings per service; a deployment gives each the same (the ops specs check the kustomizations and compose).
 * `semiSpaceMiB`: V8's young generation per semi-space. The image's NODE_OPTIONS gives 16, a deployment adds a
 * service's own flag to its command. On a large machine V8 lets it grow to 64 MiB per process under load, most of a
 * service's resident memory; 16 keeps it to a quarter of that at no measurable CPU cost (docs/performance.md, "Cost of
 * one delivery", "The sender's young generation again"). Ingest runs with 8: its burst peak is 25–35 MiB lower
 * (docs/performance.md, "Headroom, not live data"). `mallocEnv`: environment for glibc, read as the process starts.
 */
const SERVICE_MEMORY = {
  ingest: { semiSpaceMiB: 8, mallocEnv: {} },
  'webhook-sender': { semiSpaceMiB: 16, mallocEnv: FIXED_MALLOC_THRESHOLDS },
  'email-sender': { semiSpaceMiB: 16, mallocEnv: {} },
  'retry-scheduler': { semiSpaceMiB: 16, mallocEnv: {} },
};

/** The heap flags a service runs with; flags in `nodeArgs` come after these, so they can override them. */
export function serviceHeapFlags(name) {
  return [`--max-semi-space-size=${SERVICE_MEMORY[name].semiSpaceMiB}`];
}

/** The glibc settings a service runs with (its environment, which the caller's own settings override). */
export function serviceMallocEnv(name) {
  return { ...SERVICE_MEMORY[name].mallocEnv };
}

/**
 * HTTP ports: ingest base, webhook-sender base+2, email-sender base+3, retry-scheduler base+4 (base+1 was the router's,
 * before routing moved into ingest; the others keep their numbers).
 */
export function servicePorts(base = Number(process.env.HERALD_PORT_BASE || 3000)) {
  return { ingest: base, 'webhook-sender': base + 2, 'email-sender': base + 3, 'retry-scheduler': base + 4 };
}

/** Each service answers its probes from a thread of their own on its port + this (HEALTH_PORT; docs/operations.md, "Probes"). */
export const HEALTH_PORT_OFFSET = 50;

/** The compiled entry point of a service. */
export function serviceEntry(name, root = repoRoot) {
  return path.join(root, 'dist', 'apps', name, 'src', 'main.js');
}

const COLORS = [36, 35, 33, 32, 34, 96, 95];

/**
 * Starts the services and (by default) waits until each answers GET /readyz with 200.
 *
 * @param {object} [opts]
 * @param {Record<string,string>} [opts.env]  added to process.env for every service (KAFKA_BROKERS, DATABASE_URL, ...)
 * @param {Record<string,Record<string,string>>} [opts.serviceEnv]  added after `env` for the named service only, as a
 *        deployment sets a setting on one service (e.g. `{ ingest: { HERALD_FETCH_LINGER: '30ms' } }`)
 * @param {number} [opts.portBase]  ports from this base (see servicePorts); default HERALD_PORT_BASE or 3000
 * @param {Record<string,number>} [opts.ports]  port per service (overrides portBase); each gets it as PORT
 * @param {string[]} [opts.services]  which services (default all four)
 * @param {string} [opts.root]  repository root holding dist/
 * @param {(name: string, line: string, stream: 'stdout'|'stderr') => void} [opts.onLine]  each output line;
 *        default: written to this process's stdout/stderr prefixed with the service name. Pass `() => {}` to
 *        keep quiet; the last lines stay available through handle.tail(name).
 * @param {(info: { name: string, code: number|null, signal: string|null }) => void} [opts.onExit]  a service
 *        exited while not being stopped (a crash, or a clean exit nobody asked for)
 * @param {'readyz'|'healthz'|false} [opts.waitFor='readyz']  endpoint to poll before resolving
 * @param {number} [opts.readyTimeoutMs=90000]
 * @param {string[]} [opts.nodeArgs]  node flags; the default maps stack traces to the TypeScript sources and
 *        hides kafkajs 2.2.4's harmless TimeoutNegativeWarning (a negative setTimeout, which Node 24 reports)
 * @returns {Promise<ServicesHandle>}
 *
 * @typedef {object} ServicesHandle
 * @property {{ name: string, port: number, pid: number, url: string, healthUrl: string }[]} services  healthUrl: the probe thread's port
 * @property {Promise<{ name: string, code: number|null, signal: string|null }>} crashed  settles when the first
 *           service exits unexpectedly
 * @property {(name: string, lines?: number) => string} tail  the service's last output lines
 * @property {(opts?: { timeoutMs?: number, signal?: string }) => Promise<{ name: string, code: number|null, signal: string|null, forced: boolean }[]>} stop
 *           SIGTERM to every service, SIGKILL to those still running after timeoutMs (default 30 s)
 * @property {(name: string, opts?: { timeoutMs?: number, signal?: string }) => Promise<{ code: number|null, signal: string|null, forced: boolean }>} stopOne
 *           stops one service (crash/restart tests, outage rehearsals); the others keep running
 * @property {(name: string) => Promise<{ name: string, port: number, pid: number }>} startOne
 *           starts a stopped service again with the same settings and port, and waits until it is ready
 * @property {() => { name: string, port: number, running: boolean, pid: number }[]} status
 */
export async function startServices({
  env = {},
  serviceEnv = {},
  portBase,
  ports = servicePorts(portBase),
  services = SERVICES,
  root = repoRoot,
  onLine,
  onExit,
  waitFor = 'readyz',
  readyTimeoutMs = 90_000,
  nodeArgs = ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning'],
} = {}) {
  for (const name of services) {
    if (!existsSync(serviceEntry(name, root))) {
      throw new Error(`${name}: ${path.relative(root, serviceEntry(name, root))} is missing; build first (node tools/build.mjs)`);
    }
    if (!ports[name]) throw new Error(`${name}: no port given`);
  }
  const width = Math.max(...services.map((name) => name.length));
  const color = process.stdout.isTTY && !process.env.NO_COLOR;
  const write = onLine ?? ((name, line, stream) => {
    const i = services.indexOf(name) % COLORS.length;
    const prefix = name.padEnd(width);
    (stream === 'stderr' ? process.stderr : process.stdout).write(color ? `\x1b[${COLORS[i]}m${prefix} |\x1b[0m ${line}\n` : `${prefix} | ${line}\n`);
  });

  let reportCrash;
  const crashed = new Promise((resolve) => { reportCrash = resolve; });
  crashed.catch(() => {});
  const procs = new Map();

  /** Runs one service's process; a later call for the same name replaces a stopped one (startOne). */
  const launch = (name) => {
    const child = spawn(process.execPath, [...serviceHeapFlags(name), ...nodeArgs, serviceEntry(name, root)], {
      cwd: root,
      env: { ...serviceMallocEnv(name), ...process.env, ...env, ...serviceEnv[name], PORT: String(ports[name]), HEALTH_PORT: String(ports[name] + HEALTH_PORT_OFFSET) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const proc = { name, child, port: ports[name], lines: procs.get(name)?.lines ?? [], stopping: false, exit: null };
    proc.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        proc.exit = { name, code, signal };
        proc.guard?.release();
        resolve(proc.exit);
        if (!proc.stopping) {
          reportCrash(proc.exit);
          onExit?.(proc.exit);
        }
      });
    });
    child.once('error', (err) => write(name, `failed to start: ${err.message}`, 'stderr'));
    for (const stream of ['stdout', 'stderr']) pipeLines(child[stream], (line) => {
      proc.lines.push(line);
      if (proc.lines.length > 200) proc.lines.shift();
      write(name, line, stream);
    });
    // Stops the service if this process dies without stopping it.
    if (child.pid && !proc.exit) proc.guard = watchParent([child.pid], { signal: 'SIGTERM' });
    procs.set(name, proc);
    return proc;
  };
  for (const name of services) launch(name);

  const stopOne = async (name, { timeoutMs = 30_000, signal = 'SIGTERM' } = {}) => {
    const proc = procs.get(name);
    if (!proc) throw new Error(`unknown service ${name}`);
    proc.stopping = true;
    if (proc.exit) return { ...proc.exit, forced: false };
    signalGroup(proc.child.pid, signal);
    let timer;
    const timedOut = await Promise.race([
      proc.exited.then(() => false),
      new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs, true); }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      write(name, `did not stop within ${timeoutMs / 1000} s; killing it`, 'stderr');
      signalGroup(proc.child.pid, 'SIGKILL');
      await proc.exited;
    }
    return { ...proc.exit, forced: timedOut };
  };

  /** Starts a stopped service again on its port; resolves once it answers `waitFor`. */
  const startOne = async (name) => {
    const previous = procs.get(name);
    if (!previous) throw new Error(`unknown service ${name}`);
    if (!previous.exit) throw new Error(`${name} is running`);
    const proc = launch(name);
    if (waitFor) await waitHttp(`http://127.0.0.1:${proc.port}/${waitFor}`, readyTimeoutMs, () => proc.exit);
    return { name, port: proc.port, pid: proc.child.pid };
  };

  let stopping = null;
  const handle = {
    services: [...procs.values()].map((p) => ({ name: p.name, port: p.port, pid: p.child.pid, url: `http://127.0.0.1:${p.port}`, healthUrl: `http://127.0.0.1:${p.port + HEALTH_PORT_OFFSET}` })),
    crashed,
    tail: (name, lines = 50) => (procs.get(name)?.lines ?? []).slice(-lines).join('\n'),
    status: () => services.map((name) => ({ name, port: ports[name], running: !procs.get(name).exit, pid: procs.get(name).child.pid })),
    stopOne,
    startOne,
    stop: (opts = {}) => {
      stopping ??= Promise.all(services.map((name) => stopOne(name, opts)));
      return stopping;
    },
  };

  if (waitFor) {
    try {
      await Promise.race([
        Promise.all(services.map((name) => waitHttp(`http://127.0.0.1:${ports[name]}/${waitFor}`, readyTimeoutMs, () => procs.get(name).exit)
          .catch((err) => { throw new Error(`${name}: ${err.message}\n${handle.tail(name, 30)}`); }))),
        crashed.then((info) => {
          throw new Error(`${info.name} exited during start (code ${info.code}, signal ${info.signal})\n${handle.tail(info.name, 30)}`);
        }),
      ]);
    } catch (err) {
      await handle.stop({ timeoutMs: 10_000 });
      throw err;
    }
  }
  return handle;
}

/** Polls `url` until it answers 200; fails when `exited()` reports the process gone or the time is up. */
async function waitHttp(url, timeoutMs, exited) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited()) throw new Error('exited before it was ready');
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s at ${url} (${last})`);
}

function pipeLines(stream, onLine) {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, newline).replace(/\r$/, ''));
      buffered = buffered.slice(newline + 1);
    }
  });
  stream.on('end', () => {
    if (buffered) onLine(buffered);
    buffered = '';
  });
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
