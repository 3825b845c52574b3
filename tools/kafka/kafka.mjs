// A real, single-node Apache Kafka broker (KRaft: broker + controller in one JVM, no ZooKeeper) for
// development and tests, assembled from Maven Central jars into a cache outside the repository.
//
// Library:  ensureKafkaDistribution(), startKafka(), stopBackgroundKafka(), kafkaStatus(), herald cache paths.
// CLI:      node tools/kafka/kafka.mjs start|stop|status [--port N] [--data DIR]   (npm run kafka -- start)
//
// Process model. The broker runs in its own process group (detached), so a Ctrl-C in the terminal reaches the
// Herald services but not Kafka: the caller stops Kafka last, after the services have committed their offsets
// and left their groups. So that the broker cannot outlive its parent by accident:
//   - stop() sends SIGTERM (Kafka shuts down cleanly), then SIGKILL after 30 s;
//   - an 'exit' hook in the parent sends SIGTERM if stop() was never called;
//   - a tiny shell watchdog stops the broker when the parent dies without running any hook (SIGKILL, OOM);
//   - a run file per port (<cache>/run/kafka-<port>.json) lets the next start reap a broker left behind.
// Brokers started by the CLI are meant to outlive it: no watchdog, no hook, and they are never reaped.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync, rmSync, renameSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const POM = path.join(here, 'pom.xml');
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;

/** Where Herald keeps what it downloads and the state of dev brokers: never inside the repository. */
export function heraldCacheDir() {
  return process.env.HERALD_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'herald');
}

/** The default, persistent data dir of a dev broker on `port` (what `npm start` and the CLI use). */
export function defaultKafkaDataDir(port = 9092) {
  return path.join(heraldCacheDir(), 'data', `kafka-${port}`);
}

function runFile(port) {
  return path.join(heraldCacheDir(), 'run', `kafka-${port}.json`);
}

// ---------------------------------------------------------------------------------------------------------------
// Distribution

/**
 * Copies kafka_2.13:<version> and its runtime dependencies into <cache>/kafka-<version>/libs with Maven, once.
 * A marker file records a complete copy; later calls return at once without starting Maven.
 * @returns {Promise<string>} the libs dir (a classpath of `${libs}/*`)
 */
export async function ensureKafkaDistribution({ version = process.env.KAFKA_VERSION ?? '4.4.0' } = {}) {
  const home = path.join(heraldCacheDir(), `kafka-${version}`);
  const libs = path.join(home, 'libs');
  const marker = path.join(home, 'libs.complete');
  if (existsSync(marker) && existsSync(libs)) return libs;

  mkdirSync(home, { recursive: true });
  // Assemble into a private dir and rename it into place, so two cold starts at once (npm start beside npm test)
  // cannot leave a half-filled libs dir behind: the loser of the rename throws its copy away.
  const staging = path.join(home, `libs.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const started = Date.now();
  process.stderr.write(`kafka: assembling Apache Kafka ${version} from Maven Central into ${libs} (first run only)\n`);
  const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
  try {
    await run(mvn, ['-q', '-B', 'dependency:copy-dependencies', '-f', POM, `-Dkafka.version=${version}`,
      `-DoutputDirectory=${staging}`, '-DincludeScope=runtime']);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (err.code === 'ENOENT') throw new Error('kafka: Maven (mvn) is not on PATH; it is needed once to fetch the Kafka jars');
    throw new Error(`kafka: Maven could not assemble Kafka ${version}:\n${err.output ?? err.message}`);
  }
  const jars = readdirSync(staging).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => f.startsWith(`kafka_2.13-${version}`))) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`kafka: Maven finished but kafka_2.13-${version}.jar is missing from ${staging}`);
  }
  if (existsSync(marker) && existsSync(libs)) {
    rmSync(staging, { recursive: true, force: true }); // someone else finished first
    return libs;
  }
  rmSync(libs, { recursive: true, force: true });
  try {
    renameSync(staging, libs);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(libs)) throw err;
  }
  writeFileSync(marker, `${JSON.stringify({ version, jars: jars.length, assembledAt: new Date().toISOString() })}\n`);
  process.stderr.write(`kafka: ${jars.length} jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return libs;
}

// ---------------------------------------------------------------------------------------------------------------
// Broker

/**
 * Starts a single-node KRaft broker+controller on 127.0.0.1:port and resolves once it answers admin requests.
 * @param {object} [opts]
 * @param {number} [opts.port=9092]  client (PLAINTEXT) port
 * @param {number} [opts.controllerPort=port+1]
 * @param {string} [opts.dataDir]  broker state (kraft/ log dirs, config/, logs/); default <cache>/data/kafka-<port>
 * @param {string} [opts.logDir]   server.log and the JVM's stdout; default <dataDir>/logs
 * @param {boolean} [opts.fresh=false]  wipe dataDir first (a new, empty cluster)
 * @param {number} [opts.heapMb=512]
 * @param {string} [opts.version]  Kafka version (default KAFKA_VERSION or 4.4.0)
 * @param {boolean} [opts.background=false]  outlive this process (CLI use): no watchdog, no exit hook
 * @param {string} [opts.gcLog]  a file for the JVM's garbage-collection log (its pauses stall every client)
 * @param {'lean'|'kafka'} [opts.jvm='lean']  'lean': the serial collector and C1 only, which start fastest and use the
 *        least CPU on a small heap (tests, `npm start`); 'kafka': what Kafka's own scripts and image run (G1 with 20 ms
 *        pause goals, both JIT tiers), as a deployed broker would
 * @param {object} [opts.secure]  listeners like a production cluster's, beside PLAINTEXT (for tests of TLS and SASL):
 * @param {{ cert: string, key: string }} opts.secure.certificate  the brokers' PEM certificate and PKCS#8 key
 * @param {number} [opts.secure.saslPort]  SASL_SSL listener: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for `users`
 * @param {{ username: string, password: string }[]} [opts.secure.users]
 * @param {number} [opts.secure.mtlsPort]  SSL listener that requires a client certificate from `clientCertificates`
 * @param {string} [opts.secure.clientCertificates]  PEM certificates the mTLS listener trusts
 * @returns {Promise<{ brokers: string, pid: number, port: number, dataDir: string, logDir: string,
 *   stop: () => Promise<{ code: number|null, signal: string|null }> }>}  stop() is idempotent; Java exits 143 on SIGTERM
 */
/** JVM flags per `jvm` profile of startKafka; 'kafka' is kafka-run-class.sh's KAFKA_JVM_PERFORMANCE_OPTS. */
const JVM_PROFILES = {
  lean: ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
  kafka: ['-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15'],
};

export async function startKafka({
  port = 9092,
  controllerPort = port + 1,
  dataDir,
  logDir,
  fresh = false,
  heapMb = 512,
  version,
  background = false,
  secure,
  gcLog,
  jvm = 'lean',
} = {}) {
  port = Number(port);
  controllerPort = Number(controllerPort);
  dataDir = path.resolve(dataDir ?? defaultKafkaDataDir(port));
  logDir = path.resolve(logDir ?? path.join(dataDir, 'logs'));
  const java = javaBinary();
  const libs = await ensureKafkaDistribution(version ? { version } : {});

  await reapLeftover(port);
  for (const p of [port, controllerPort, secure?.saslPort, secure?.mtlsPort].filter(Boolean)) {
    if (await isListening(p)) {
      throw new Error(`kafka: port ${p} on 127.0.0.1 is already in use; pick another with --port / KAFKA_PORT, or use that broker through KAFKA_BROKERS`);
    }
  }

  if (fresh) rmSync(dataDir, { recursive: true, force: true });
  const kraftDir = path.join(dataDir, 'kraft');
  const configDir = path.join(dataDir, 'config');
  for (const dir of [kraftDir, configDir, logDir]) mkdirSync(dir, { recursive: true });
  const serverProperties = path.join(configDir, 'server.properties');
  const log4jConfig = path.join(configDir, 'log4j2.properties');
  writeFileSync(serverProperties, serverConfig({ port, controllerPort, kraftDir, secure }));
  writeFileSync(log4jConfig, log4jConfigText(logDir));

  if (!JVM_PROFILES[jvm]) throw new Error(`kafka: jvm must be one of ${Object.keys(JVM_PROFILES).join(', ')}, not '${jvm}'`);
  const jvmArgs = [
    `-Xms${Math.min(heapMb, 256)}m`, `-Xmx${heapMb}m`,
    ...JVM_PROFILES[jvm],
    '-XX:-OmitStackTraceInFastThrow',
    ...(gcLog ? [`-Xlog:gc:file=${path.resolve(gcLog)}`] : []),
    '-Djava.awt.headless=true', '-Dlog4j2.shutdownHookEnabled=false', `-Dlog4j2.configurationFile=${log4jConfig}`, `-Dkafka.logs.dir=${logDir}`,
    '-cp', path.join(libs, '*'),
  ];

  if (!existsSync(path.join(kraftDir, 'meta.properties'))) {
    try {
      // SCRAM credentials live in the cluster metadata: KRaft takes the first ones at format time.
      const scram = (secure?.users ?? []).flatMap(({ username, password }) =>
        ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => ['--add-scram', `${mechanism}=[name=${username},password=${password}]`]));
      await run(java, [...jvmArgs, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', serverProperties, '--ignore-formatted', ...scram]);
    } catch (err) {
      if (err.code === 'ENOENT') throw javaMissing(java);
      throw new Error(`kafka: formatting ${kraftDir} failed:\n${err.output ?? err.message}`);
    }
  }

  const outFile = path.join(logDir, 'kafka.out');
  const out = openSync(outFile, 'a');
  let child;
  try {
    child = spawn(java, [...jvmArgs, 'kafka.Kafka', serverProperties], {
      detached: true, // own process group: terminal signals go to the services, Kafka is stopped last by stop()
      stdio: ['ignore', out, out],
      cwd: dataDir,
    });
  } finally {
    closeSync(out);
  }
  const pid = child.pid;
  if (!pid) {
    const err = await new Promise((resolve) => child.once('error', resolve));
    throw err.code === 'ENOENT' ? javaMissing(java) : new Error(`kafka: could not start ${java}: ${err.message}`);
  }
  child.once('error', () => {}); // reported through 'exit'
  child.unref();

  let exited = false;
  let exitInfo = null;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    exitInfo = { code, signal };
    resolve(exitInfo);
  }));

  const guard = background ? { release() {} } : watchParent([pid], { signal: 'SIGTERM' });
  mkdirSync(path.dirname(runFile(port)), { recursive: true });
  writeFileSync(runFile(port), `${JSON.stringify({ pid, port, controllerPort, dataDir, logDir, parentPid: process.pid, background, startedAt: new Date().toISOString() })}\n`);

  const brokers = `127.0.0.1:${port}`;
  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      if (!exited) {
        killGroup(pid, 'SIGTERM');
        let timer;
        const timedOut = await Promise.race([
          exitPromise.then(() => false),
          new Promise((resolve) => { timer = setTimeout(resolve, STOP_TIMEOUT_MS, true); }),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          process.stderr.write(`kafka: broker pid ${pid} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it\n`);
          killGroup(pid, 'SIGKILL');
          await exitPromise;
        }
      }
      guard.release();
      removeRunFile(port, pid);
      return exitInfo;
    })();
    return stopping;
  };

  try {
    await waitReady(brokers, { isExited: () => exited, exitInfo: () => exitInfo, logDir });
  } catch (err) {
    await stop().catch(() => {});
    if (!fresh) err.message += `\n(to start over with an empty broker, delete ${dataDir})`;
    throw err;
  }
  return { brokers, pid, port, dataDir, logDir, stop };
}

/** The dev broker's log segments. */
const SEGMENT_BYTES = 64 * 1024 * 1024;
/**
 * Room for a whole segment's index entries: at most one per 4 KiB of records (index.interval.bytes), 12 bytes each in
 * the time index (8 in the offset index), so 192 KiB for 64 MiB; an index that fills up only rolls its segment early.
 */
const INDEX_BYTES = 256 * 1024;

function serverConfig({ port, controllerPort, kraftDir, secure }) {
  const listeners = [`PLAINTEXT://127.0.0.1:${port}`];
  if (secure?.saslPort) listeners.push(`SASL_SSL://127.0.0.1:${secure.saslPort}`);
  if (secure?.mtlsPort) listeners.push(`SSL://127.0.0.1:${secure.mtlsPort}`);
  return `# Written by tools/kafka/kafka.mjs on every start; edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=${[...listeners, `CONTROLLER://127.0.0.1:${controllerPort}`].join(',')}
advertised.listeners=${listeners.join(',')}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
log.dirs=${kraftDir}
${secure ? secureListenerConfig(secure) : ''}
# Herald's topology code creates every topic it uses, with its own partition counts.
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=3

# One node: replication factor 1 everywhere, including the internal topics.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=10

# Fast joins: no waiting for more members before the first rebalance.
group.initial.rebalance.delay.ms=0

# Two cores.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4

# A dev broker keeps a day of data, segments small enough for retention to bite.
log.retention.hours=24
log.retention.bytes=1073741824
log.segment.bytes=${SEGMENT_BYTES}
log.retention.check.interval.ms=300000

# Index files sized to those segments instead of 10 MiB: each is a sparse file mapped into memory, and on this
# kind of machine the first write into one cost 2-7 ms of CPU at 10 MiB (0.06 ms at 256 KiB), paid for every
# partition's first index entry and again at every segment roll (docs/performance.md, "The steady phase's first second").
log.index.size.max.bytes=${INDEX_BYTES}
`;
}

/** TLS with the given PEM certificate on both secured listeners, SASL users on one, client certificates on the other. */
function secureListenerConfig({ certificate, saslPort, users = [], mtlsPort, clientCertificates }) {
  // Java properties: a PEM's line breaks become \n escapes.
  const pem = (text) => text.trim().replaceAll('\n', '\\n');
  const tls = (listener) => `listener.name.${listener}.ssl.keystore.type=PEM
listener.name.${listener}.ssl.keystore.certificate.chain=${pem(certificate.cert)}
listener.name.${listener}.ssl.keystore.key=${pem(certificate.key)}
`;
  const loginModule = (mechanism) => mechanism === 'PLAIN'
    ? `org.apache.kafka.common.security.plain.PlainLoginModule required ${users.map((u) => `user_${u.username}="${u.password}"`).join(' ')};`
    : 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  const mechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
  return `
# Secured listeners (tests of TLS and SASL): the broker's own traffic stays on PLAINTEXT.
${saslPort ? `${tls('sasl_ssl')}listener.name.sasl_ssl.sasl.enabled.mechanisms=${mechanisms.join(',')}
${mechanisms.map((m) => `listener.name.sasl_ssl.${m.toLowerCase()}.sasl.jaas.config=${loginModule(m)}`).join('\n')}
` : ''}${mtlsPort ? `${tls('ssl')}listener.name.ssl.ssl.client.auth=required
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.certificates=${pem(clientCertificates)}
` : ''}`;
}

function log4jConfigText(logDir) {
  const file = path.join(logDir, 'server.log').replaceAll('\\', '/');
  return `# Written by tools/kafka/kafka.mjs: quiet, to a file; INFO only for the start/stop lines.
status = error
name = HeraldKafka
appender.server.type = RollingFile
appender.server.name = server
appender.server.fileName = ${file}
appender.server.filePattern = ${file}.%i
appender.server.layout.type = PatternLayout
appender.server.layout.pattern = [%d] %p %m (%c)%n
appender.server.policies.type = Policies
appender.server.policies.size.type = SizeBasedTriggeringPolicy
appender.server.policies.size.size = 10MB
appender.server.strategy.type = DefaultRolloverStrategy
appender.server.strategy.max = 3
rootLogger.level = WARN
rootLogger.appenderRef.server.ref = server
logger.raftServer.name = kafka.server.KafkaRaftServer
logger.raftServer.level = INFO
logger.server.name = kafka.server.KafkaServer
logger.server.level = INFO
logger.broker.name = kafka.server.BrokerServer
logger.broker.level = INFO
logger.appInfo.name = org.apache.kafka.common.utils.AppInfoParser
logger.appInfo.level = INFO
`;
}

/** A Kafka Uuid as StorageTool random-uuid prints it (16 random bytes, base64url), made without starting a JVM. */
function newClusterId() {
  for (;;) {
    const bytes = randomBytes(16);
    const id = bytes.toString('base64url');
    // Kafka reserves the all-zero and the metadata-topic ids and avoids ids starting with '-' (CLI parsing).
    const reserved = bytes.subarray(0, 15).every((b) => b === 0) && bytes[15] <= 1;
    if (!reserved && !id.startsWith('-')) return id;
  }
}

async function waitReady(brokers, { isExited, exitInfo, logDir }) {
  const { Kafka, logLevel } = createRequire(import.meta.url)('kafkajs');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError;
  while (Date.now() < deadline) {
    if (isExited()) {
      const { code, signal } = exitInfo() ?? {};
      throw new Error(`kafka: the broker exited during start (code ${code}, signal ${signal})\n${logTail(logDir)}`);
    }
    const admin = new Kafka({
      clientId: 'herald-kafka-probe', brokers: [brokers], logLevel: logLevel.NOTHING,
      connectionTimeout: 1000, requestTimeout: 3000, retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      // Ready means groups work too: a fresh or restarted broker answers metadata before its group
      // coordinator has loaded the offsets partitions ("The coordinator is loading"). 32 group ids spread
      // over every one of the 10 offsets partitions.
      if (cluster.brokers.length > 0) {
        await Promise.all(Array.from({ length: 32 }, (_, i) => admin.fetchOffsets({ groupId: `herald-kafka-probe-${i}` })));
        return cluster;
      }
    } catch (err) {
      lastError = err;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await delay(250);
  }
  throw new Error(`kafka: the broker did not answer on ${brokers} within ${READY_TIMEOUT_MS / 1000} s (${lastError?.message ?? 'no answer'})\n${logTail(logDir)}`);
}

function logTail(logDir, lines = 40) {
  const parts = [];
  for (const name of ['kafka.out', 'server.log']) {
    const file = path.join(logDir, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8').trimEnd();
    if (text) parts.push(`--- last lines of ${file}\n${text.split('\n').slice(-lines).join('\n')}`);
  }
  return parts.join('\n') || `(nothing logged in ${logDir})`;
}

/**
 * Ties the lifetime of detached children to this process: when it exits (normally, or by an uncaught error) they
 * get `signal` from an 'exit' hook; when it dies without running hooks (SIGKILL, OOM), a tiny shell watchdog
 * notices within a second, sends `signal`, and SIGKILLs what is still alive after the grace period.
 * Call release() once the children were stopped the ordinary way.
 * @param {number[]} pids
 * @param {{ signal?: string, group?: boolean, graceMs?: number }} [opts] group: signal each pid's process group
 * @returns {{ release: () => void }}
 */
export function watchParent(pids, { signal = 'SIGTERM', group = true, graceMs = STOP_TIMEOUT_MS } = {}) {
  const onExit = () => { for (const pid of pids) (group ? killGroup : killOne)(pid, signal); };
  process.on('exit', onExit);
  const list = pids.join(' ');
  const target = (sig) => `for p in ${list}; do kill -${sig} ${group ? '-$p 2>/dev/null || kill -' + sig + ' ' : ''}$p 2>/dev/null; done`;
  const script = `
while kill -0 ${process.pid} 2>/dev/null; do
  alive=0; for p in ${list}; do kill -0 $p 2>/dev/null && alive=1; done
  [ $alive = 1 ] || exit 0
  sleep 1
done
${target(signal.replace(/^SIG/, ''))}
i=0
while [ $i -lt ${Math.ceil(graceMs / 1000)} ]; do
  alive=0; for p in ${list}; do kill -0 $p 2>/dev/null && alive=1; done
  [ $alive = 1 ] || exit 0
  sleep 1; i=$((i+1))
done
${target('KILL')}
exit 0`;
  const dog = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  dog.unref();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      if (dog.pid) killOne(dog.pid, 'SIGKILL');
    },
  };
}

/** A broker recorded for this port whose parent is gone (and that is not a CLI broker) is stopped. */
async function reapLeftover(port) {
  const info = readRunFile(port);
  if (!info) return;
  if (!isKafkaProcess(info.pid)) {
    removeRunFile(port, info.pid);
    return;
  }
  if (info.background) {
    throw new Error(`kafka: a broker started with 'npm run kafka -- start' is running on port ${port} (pid ${info.pid}); use it through KAFKA_BROKERS=127.0.0.1:${port} or stop it with 'npm run kafka -- stop --port ${port}'`);
  }
  if (isAlive(info.parentPid) && info.parentPid !== process.pid) {
    throw new Error(`kafka: port ${port} is used by a broker that process ${info.parentPid} started (pid ${info.pid})`);
  }
  process.stderr.write(`kafka: stopping broker pid ${info.pid} left behind on port ${port}\n`);
  await terminate(info.pid);
  removeRunFile(port, info.pid);
}

function readRunFile(port) {
  try {
    return JSON.parse(readFileSync(runFile(port), 'utf8'));
  } catch {
    return null;
  }
}

function removeRunFile(port, pid) {
  if (readRunFile(port)?.pid === pid) rmSync(runFile(port), { force: true });
}

/** SIGTERM to the process group, then SIGKILL after the stop timeout; for brokers that are not our child. */
async function terminate(pid) {
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await delay(200);
  if (isAlive(pid)) {
    killGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await delay(100);
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    killOne(pid, signal);
  }
}

function killOne(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // A zombie still answers kill(0); it is not running.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function isKafkaProcess(pid) {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the run file
  }
}

function isListening(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

function javaMissing(java) {
  return new Error(`kafka: ${java} not found; Kafka needs a Java 17+ runtime on PATH (or JAVA_HOME)`);
}

function javaBinary() {
  const home = process.env.JAVA_HOME;
  return home ? path.join(home, 'bin', 'java') : 'java';
}

/** Runs a command to completion, collecting its output; rejects with `.output` on a non-zero exit. */
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        err.output = `${stdout}${stderr}`.trim() || err.message;
        reject(err);
      } else {
        resolve(stdout);
      }
    });
  });
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// Brokers started by hand (CLI)

/** Status of the broker recorded for `port`: `{ running, pid?, brokers, dataDir?, logDir?, background? }`. */
export async function kafkaStatus({ port = 9092 } = {}) {
  const info = readRunFile(port);
  const brokers = `127.0.0.1:${port}`;
  if (!info || !isKafkaProcess(info.pid)) return { running: false, brokers, listening: await isListening(port) };
  return { running: true, brokers, ...info };
}

/** Stops the broker recorded for `port` (SIGTERM, SIGKILL after 30 s). Resolves false when none was running. */
export async function stopBackgroundKafka({ port = 9092 } = {}) {
  const info = readRunFile(port);
  if (!info || !isKafkaProcess(info.pid)) {
    rmSync(runFile(port), { force: true });
    return false;
  }
  await terminate(info.pid);
  removeRunFile(port, info.pid);
  return true;
}

function parseCli(argv) {
  const [command, ...rest] = argv;
  const opts = { command, port: Number(process.env.KAFKA_PORT ?? 9092) };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.split('=', 2);
    const value = () => inline ?? rest[++i];
    if (flag === '--port') opts.port = Number(value());
    else if (flag === '--data') opts.dataDir = path.resolve(value());
    else if (flag === '--fresh') opts.fresh = true;
    else throw new Error(`unknown option ${arg}`);
  }
  if (!Number.isInteger(opts.port) || opts.port <= 0) throw new Error('--port needs a port number');
  return opts;
}

async function cli(argv) {
  const usage = 'usage: node tools/kafka/kafka.mjs start|stop|status [--port N] [--data DIR] [--fresh]';
  let opts;
  try {
    opts = parseCli(argv);
  } catch (err) {
    console.error(`${err.message}\n${usage}`);
    return 2;
  }
  switch (opts.command) {
    case 'start': {
      const status = await kafkaStatus(opts);
      if (status.running) {
        console.log(`Kafka is already running on ${status.brokers} (pid ${status.pid}, data ${status.dataDir})`);
        return 0;
      }
      const started = Date.now();
      const broker = await startKafka({ port: opts.port, dataDir: opts.dataDir, fresh: opts.fresh, background: true });
      console.log(`Kafka ${process.env.KAFKA_VERSION ?? '4.4.0'} running on ${broker.brokers} (pid ${broker.pid}), ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(`  data: ${broker.dataDir}\n  logs: ${broker.logDir}/server.log`);
      console.log(`  use it: KAFKA_BROKERS=${broker.brokers} · stop it: npm run kafka -- stop${opts.port === 9092 ? '' : ` --port ${opts.port}`}`);
      return 0;
    }
    case 'stop': {
      const stopped = await stopBackgroundKafka(opts);
      console.log(stopped ? `Kafka on port ${opts.port} stopped` : `no Herald Kafka broker recorded on port ${opts.port}`);
      return 0;
    }
    case 'status': {
      const status = await kafkaStatus(opts);
      if (status.running) {
        console.log(`running: ${status.brokers} (pid ${status.pid}${status.background ? '' : `, owned by pid ${status.parentPid}`}), data ${status.dataDir}`);
        return 0;
      }
      console.log(`not running on port ${opts.port}${status.listening ? ' (but something else listens there)' : ''}`);
      return 3;
    }
    default:
      console.error(usage);
      return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => { console.error(err.message); process.exitCode = 1; },
  );
}
