// Jest globalSetup: one real Kafka broker and one real PostgreSQL database for the whole test run.
//
//   HERALD_TEST_INFRA=skip        start nothing (unit tests only, or infrastructure managed by hand)
//   KAFKA_BROKERS=host:port       use that broker instead of starting one
//   HERALD_TEST_KAFKA_PORT=19092  port of the fresh broker (its controller takes the next port)
//   HERALD_TEST_DATABASE_URL=...  test database (default postgres://postgres@127.0.0.1:5432/herald_test),
//                                 dropped and created empty on every run
//
// The broker is new and empty on every run (a temp data dir), on its own port, and the database is not the one
// `npm start` uses, so `npm test` runs beside `npm start`. Results reach the test workers through process.env
// (KAFKA_BROKERS, DATABASE_URL), which they inherit. The teardown stops what this started.
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const STATE = Symbol.for('herald.test-infra');

module.exports = async function globalSetup() {
  if (process.env.HERALD_TEST_INFRA === 'skip') return;
  const started = Date.now();
  const { startKafka } = await import(pathToFileURL(path.join(__dirname, '..', 'kafka', 'kafka.mjs')).href);
  const { ensurePostgres, resetDatabase } = await import(pathToFileURL(path.join(__dirname, 'postgres.mjs')).href);

  const state = { kafka: null, postgres: null, kafkaDataDir: null };
  globalThis[STATE] = state;
  // Jest does not run the teardown on Ctrl-C: stop the broker and any embedded PostgreSQL first, then die of the
  // signal as asked. Repeats of the signal (npm and the terminal both send one) are ignored meanwhile.
  const onSignal = (signal) => {
    if (state.signalled) return;
    state.signalled = true;
    stopInfra(state).finally(() => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.kill(process.pid, signal);
    });
  };
  state.onSignal = onSignal;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const url = process.env.HERALD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/herald_test';
    const [kafka, postgres] = await Promise.all([
      process.env.KAFKA_BROKERS ? null : startTestKafka(startKafka, state),
      ensurePostgres({ url }),
    ]);
    state.kafka = kafka;
    state.postgres = postgres;
    await resetDatabase(postgres.url);
    if (kafka) process.env.KAFKA_BROKERS = kafka.brokers;
    process.env.DATABASE_URL = postgres.url;
  } catch (err) {
    await stopInfra(state);
    throw err;
  }
  if (process.env.HERALD_TEST_INFRA_QUIET !== '1') {
    const kafkaNote = state.kafka ? `fresh broker ${state.kafka.brokers}` : `broker ${process.env.KAFKA_BROKERS} (KAFKA_BROKERS)`;
    const pgNote = `${redact(process.env.DATABASE_URL)}${state.postgres.embedded ? ' (embedded)' : ''}`;
    process.stderr.write(`\ntest infra ready in ${((Date.now() - started) / 1000).toFixed(1)} s: Kafka ${kafkaNote}, PostgreSQL ${pgNote}\n`);
  }
};

async function startTestKafka(startKafka, state) {
  const port = Number(process.env.HERALD_TEST_KAFKA_PORT ?? 19092);
  state.kafkaDataDir = mkdtempSync(path.join(os.tmpdir(), 'herald-test-kafka-'));
  return startKafka({ port, dataDir: state.kafkaDataDir, fresh: true, heapMb: 512 });
}

/** Stops what globalSetup started; safe to call twice. Used by the teardown too. */
async function stopInfra(state) {
  if (!state || state.stopped) return;
  state.stopped = true;
  const results = await Promise.allSettled([state.kafka?.stop(), state.postgres?.stop()]);
  if (state.kafkaDataDir) rmSync(state.kafkaDataDir, { recursive: true, force: true });
  for (const result of results) {
    if (result.status === 'rejected') process.stderr.write(`test infra: stop failed: ${result.reason?.message ?? result.reason}\n`);
  }
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

module.exports.stopInfra = stopInfra;
module.exports.STATE = STATE;
