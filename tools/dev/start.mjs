// `npm start`: builds Herald, makes sure Kafka and PostgreSQL are there, migrates, and runs the four services.
//
//   KAFKA_BROKERS=host:port   use that broker; otherwise one runs on 127.0.0.1:$KAFKA_PORT (default 9092) with its
//                             data kept in the cache (a broker started by `npm run kafka -- start` is reused)
//   DATABASE_URL=...          default postgres://postgres@127.0.0.1:5432/herald (embedded PostgreSQL if none answers)
//   HERALD_PORT_BASE=3000     ingest 3000, webhook-sender 3002, email-sender 3003, retry-scheduler 3004
//   SMTP_URL / SMTP_HOST      send email there; otherwise a local sink (tools/dev/mail-sink.mjs) saves each message
//                             as an .eml file in tmp/mail/
//
// Ctrl-C (or SIGTERM): every service gets SIGTERM and up to 30 s to finish in-flight work, commit and leave its
// group; then Kafka and any embedded PostgreSQL this started are stopped. A second Ctrl-C kills the services.
// If a service crashes, the others are shut down the same way and the exit code is 1. To rehearse one service's
// outage instead, stop and start it on its own: `npm run services -- stop email-sender` (tools/dev/services-control.mjs).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startKafka, kafkaStatus, defaultKafkaDataDir } from '../kafka/kafka.mjs';
import { startMailSink } from './mail-sink.mjs';
import { ensurePostgres } from './postgres.mjs';
import { serveControl } from './services-control.mjs';
import { startServices, servicePorts, repoRoot, SERVICES } from './services.mjs';

const started = Date.now();
const cleanups = []; // stop functions of what this process started, run in reverse order
let services = null;
let shutdown = null; // the shutdown promise, once one began
let firstSignalAt = 0;

const say = (message) => console.log(`herald | ${message}`);
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function onSignal(signal) {
  if (!shutdown) {
    firstSignalAt = Date.now();
    say(`${signal}: stopping (Ctrl-C again to kill the services)`);
    void stopAll(0);
    return;
  }
  // npm forwards the terminal's SIGINT too, so the same Ctrl-C can arrive twice: only a later one forces.
  if (Date.now() - firstSignalAt < 1500 || !services) return;
  say('killing the services');
  void services.stop({ timeoutMs: 0, signal: 'SIGKILL' });
}

async function stopAll(code) {
  shutdown ??= (async () => {
    if (services) {
      const t = Date.now();
      const results = await services.stop({ timeoutMs: 30_000 });
      const forced = results.filter((r) => r.forced).map((r) => r.name);
      say(`services stopped in ${seconds(t)}${forced.length ? ` (killed: ${forced.join(', ')})` : ''}`);
    }
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup.stop();
        say(`${cleanup.name} stopped`);
      } catch (err) {
        console.error(`herald | stopping ${cleanup.name} failed: ${err.message}`);
        code ||= 1;
      }
    }
    process.exit(code);
  })();
  return shutdown;
}

/** Runs a step of the start; if a signal arrived meanwhile, stops instead of going on. */
async function step(promise) {
  const value = await promise;
  if (shutdown) await shutdown; // never resolves: stopAll exits the process
  return value;
}

function runNode(args, { env, name }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) console.log(`${name} | ${line}`);
      });
      stream.on('end', () => buffered && console.log(`${name} | ${buffered}`));
    }
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${name} failed (exit code ${code ?? signal})`))));
  });
}

async function main() {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const nodeEnv = process.env.NODE_ENV ?? 'development';

  let t = Date.now();
  await step(runNode([path.join(repoRoot, 'tools', 'build.mjs')], { env: process.env, name: 'build' }));
  say(`built in ${seconds(t)}`);

  let brokers = process.env.KAFKA_BROKERS;
  t = Date.now();
  if (brokers) {
    say(`Kafka: using ${brokers} (KAFKA_BROKERS)`);
  } else {
    const port = Number(process.env.KAFKA_PORT ?? 9092);
    const running = await kafkaStatus({ port });
    if (running.running && running.background) {
      brokers = running.brokers;
      say(`Kafka: using the broker started by 'npm run kafka -- start' on ${brokers} (pid ${running.pid})`);
    } else {
      const kafka = await startKafka({ port, dataDir: defaultKafkaDataDir(port) });
      cleanups.push({ name: 'Kafka', stop: kafka.stop });
      brokers = kafka.brokers;
      await step(null);
      say(`Kafka: started on ${brokers} in ${seconds(t)} (pid ${kafka.pid}; data ${kafka.dataDir}, log ${kafka.logDir}/server.log)`);
    }
  }

  t = Date.now();
  const pg = await ensurePostgres({ url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/herald' });
  if (pg.embedded) cleanups.push({ name: 'embedded PostgreSQL', stop: pg.stop });
  await step(null);
  say(`PostgreSQL: ${redact(pg.url)}${pg.embedded ? ' (embedded)' : ''} ready in ${seconds(t)}`);

  const smtpEnv = await step(devSmtp());
  const env = { ...process.env, KAFKA_BROKERS: brokers, DATABASE_URL: pg.url, NODE_ENV: nodeEnv };
  t = Date.now();
  await step(runNode([path.join(repoRoot, 'dist', 'apps', 'ingest', 'src', 'cli.js'), 'migrate'], { env, name: 'migrate' }));
  say(`migrations applied in ${seconds(t)}`);

  const ports = servicePorts();
  const base = `http://127.0.0.1:${ports.ingest}`;
  // Portal links point at the console on this port unless the environment says otherwise.
  const consoleUrl = process.env.HERALD_CONSOLE_URL ?? `${base}/console`;
  t = Date.now();
  services = await startServices({
    env: { KAFKA_BROKERS: brokers, DATABASE_URL: pg.url, NODE_ENV: nodeEnv, HERALD_CONSOLE_URL: consoleUrl, ...smtpEnv },
    ports,
    onExit: ({ name, code, signal }) => {
      if (shutdown) return;
      console.error(`herald | ${name} exited unexpectedly (code ${code}, signal ${signal}); shutting down the others`);
      void stopAll(1);
    },
  });
  await step(null);
  const control = await serveControl(services);
  cleanups.push({ name: 'service control', stop: control.close });

  say(`all services ready in ${seconds(t)} (${seconds(started)} in all)`);
  say(`admin API   ${base}/api/v1`);
  say(`OpenAPI     ${base}/api/v1/docs   (JSON: ${base}/api/v1/docs-json)`);
  say(`console     ${consoleUrl}/   (a one-time link: HERALD_CONSOLE_URL=${consoleUrl} npm run herald -- console-link --org ORG --role admin)`);
  for (const name of SERVICES) say(`${`${name}`.padEnd(16)}http://127.0.0.1:${ports[name]}/metrics   /healthz   /readyz`);
  say('npm run services -- stop|start <service> rehearses one service\'s outage; Ctrl-C stops everything');
}

/** The SMTP settings of the environment, or a local sink that saves every email as an .eml file. */
async function devSmtp() {
  if (process.env.SMTP_URL || process.env.SMTP_HOST) {
    say(`SMTP: ${process.env.SMTP_URL ? redact(process.env.SMTP_URL) : process.env.SMTP_HOST} (from the environment)`);
    return {};
  }
  const sink = await startMailSink({
    dir: path.join(repoRoot, 'tmp', 'mail'),
    onMessage: (file, { to }) => console.log(`mail-sink | ${path.relative(repoRoot, file)} (to ${to.join(', ')})`),
  });
  cleanups.push({ name: 'mail sink', stop: sink.stop });
  say(`SMTP: none configured; a local sink on ${sink.url} saves every email as an .eml file in ${sink.dir}`);
  return { SMTP_URL: sink.url, SMTP_SECURITY: 'none', SMTP_FROM: 'Herald <herald@localhost>' };
}

function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

main().catch(async (err) => {
  console.error(`herald | ${err.message}`);
  await stopAll(1);
});
