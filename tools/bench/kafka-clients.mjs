// Kafka client microbenchmark: kafkajs (what libs/kafka uses) against @platformatic/kafka on a real broker. Each
// client in a process of its own, the same topic layout, batch and message sizes; producers as Herald's (idempotent,
// acks=all). Two rounds in alternating order; prints messages/s, client CPU µs per message and broker CPU µs per
// message, per round and the medians. Not a test.
//
//   npm run bench:kafka-clients       (BENCH_MESSAGES, default 50000; BENCH_BATCH 100; BENCH_SIZE 1024 bytes;
//                                      BENCH_KAFKA_PORT, default 35292)
//   BENCH_RELAY_RATES=100,1000 npm run bench:kafka-clients
//                                     also: each client relaying one topic to another as a Herald service does, at
//                                     these rates (sends every 10 ms, as the steady phase's), 15 s after 5 s of warm-up:
//                                     the relay's and the broker's CPU (cores), per message
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKafka } from '../kafka/kafka.mjs';
import { atRate, buildHerald, cpuSeconds, forkWorker, formatRows, markdownTable, median, payload, range, require, root, waitFor } from './common.mjs';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const SIZE = Number(process.env.BENCH_SIZE ?? 1024);
const KAFKA_PORT = Number(process.env.BENCH_KAFKA_PORT ?? 35_292);
const PARTITIONS = 6;
const CLIENTS = ['kafkajs', 'platformatic'];
const RELAY_RATES = (process.env.BENCH_RELAY_RATES ?? '').split(',').filter(Boolean).map(Number);
const RELAY_WARM_SECONDS = 5;
const RELAY_SECONDS = 15;

async function main() {
  // The kafkajs worker loads Herald's fix of kafkajs's idle timer loop from dist.
  buildHerald();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'herald-bench-clients-'));
  const broker = await startKafka({ port: KAFKA_PORT, dataDir, fresh: true, heapMb: 768 });
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({ clientId: 'bench-admin', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const rounds = [];
  const relays = [];
  try {
    await admin.connect();
    for (let round = 1; round <= 2; round++) {
      const order = round === 1 ? CLIENTS : [...CLIENTS].reverse();
      const results = {};
      for (const client of order) {
        const topic = `bench.clients.${client}.r${round}`;
        await admin.createTopics({ waitForLeaders: true, topics: [topic, `${topic}.warm`].map((t) => ({ topic: t, numPartitions: PARTITIONS, replicationFactor: 1 })) });
        const worker = forkWorker('kafka-client-worker.mjs', { env: { BENCH_CLIENT: client, BENCH_BROKERS: broker.brokers }, execArgv: ['--disable-warning=TimeoutNegativeWarning'] });
        try {
          await worker.ready;
          // Warm-up: connections, metadata, the producer id, JIT.
          await worker.call('produce', { topic: `${topic}.warm`, count: 2_000, batch: BATCH, size: SIZE });
          const measure = async (cmd, args) => {
            const brokerBefore = cpuSeconds(broker.pid);
            const r = await worker.call(cmd, args);
            return { perSec: MESSAGES / r.seconds, clientUs: (r.cpuSeconds / MESSAGES) * 1e6, brokerUs: ((cpuSeconds(broker.pid) - brokerBefore) / MESSAGES) * 1e6 };
          };
          results[client] = {
            produce: await measure('produce', { topic, count: MESSAGES, batch: BATCH, size: SIZE }),
            consume: await measure('consume', { topic, groupId: `bench-${client}-r${round}`, count: MESSAGES }),
          };
        } finally {
          await worker.stop();
        }
        console.log(`round ${round}: ${client}: ${JSON.stringify(results[client])}`);
      }
      rounds.push(results);
    }
    for (let round = 1; round <= 2 && RELAY_RATES.length; round++) {
      const results = {};
      for (const rate of RELAY_RATES) {
        for (const client of round === 1 ? CLIENTS : [...CLIENTS].reverse()) {
          (results[client] ??= {})[rate] = await measureRelay({ broker, kafka, admin }, client, rate, round);
          console.log(`round ${round}: ${client}: relay at ${rate}/s: ${JSON.stringify(results[client][rate])}`);
        }
      }
      relays.push(results);
    }
  } finally {
    await admin.disconnect().catch(() => {});
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const rows = (r) => CLIENTS.flatMap((client) => ['produce', 'consume'].map((op) => {
    const m = r[client][op];
    return [client, op, m.perSec.toFixed(0), m.clientUs.toFixed(1), m.brokerUs.toFixed(1)];
  }));
  const med = {};
  for (const client of CLIENTS) {
    for (const op of ['produce', 'consume']) {
      const all = rounds.map((r) => r[client][op]);
      (med[client] ??= {})[op] = Object.fromEntries(['perSec', 'clientUs', 'brokerUs'].map((k) => [k, median(all.map((m) => m[k]))]));
    }
  }
  const header = ['client', 'operation', 'messages/s', 'client CPU µs/message', 'broker CPU µs/message'];
  const markdown = [
    `${MESSAGES} messages of ${SIZE} bytes, ${BATCH} per send, ${PARTITIONS} partitions, idempotent producer with acks=all, one send in flight; consume: a new group from the earliest offset, first to last message.`,
    '', 'Medians of 2 rounds:', '', markdownTable(header, rows(med)), '',
    ...rounds.flatMap((r, i) => [`Round ${i + 1}:`, '', markdownTable(header, rows(r)), '']),
  ].join('\n');
  console.log(`\n${markdown}`);
  console.log(formatRows([['platformatic / kafkajs, produce messages/s', (med.platformatic.produce.perSec / med.kafkajs.produce.perSec).toFixed(2)], ['platformatic / kafkajs, consume messages/s', (med.platformatic.consume.perSec / med.kafkajs.consume.perSec).toFixed(2)]]));
  if (relays.length) {
    const relayRows = CLIENTS.flatMap((client) => RELAY_RATES.map((rate) => {
      const m = Object.fromEntries(['relayCores', 'brokerCores', 'relayUs'].map((k) => [k, median(relays.map((r) => r[client][rate][k]))]));
      return [client, rate, m.relayCores.toFixed(3), m.relayUs.toFixed(0), m.brokerCores.toFixed(3)];
    }));
    console.log(`\nRelaying one topic to another (medians of ${relays.length} rounds; the broker's figure includes the bench's own sends):\n`);
    console.log(markdownTable(['client', 'messages/s', 'relay cores', 'relay CPU µs/message', 'broker cores'], relayRows));
  }
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  writeFileSync(path.join(root, 'tmp', 'bench-kafka-clients.json'), JSON.stringify({ messages: MESSAGES, batch: BATCH, size: SIZE, rounds, medians: med, relays }, null, 2));
}

/**
 * One client relaying `rate` messages a second from one topic to another, fed by this process every 10 ms with keys
 * over 4 orgs (as the steady phase feeds Herald): the relay's CPU and the broker's over RELAY_SECONDS, after a
 * warm-up.
 */
async function measureRelay({ broker, kafka, admin }, client, rate, round) {
  const from = `bench.relay.${client}.${rate}.r${round}`;
  await admin.createTopics({ waitForLeaders: true, topics: [from, `${from}.out`].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })) });
  const worker = forkWorker('kafka-client-worker.mjs', { env: { BENCH_CLIENT: client, BENCH_BROKERS: broker.brokers }, execArgv: ['--disable-warning=TimeoutNegativeWarning'] });
  const producer = kafka.producer();
  try {
    await worker.ready;
    await producer.connect();
    await worker.call('relay', { from, to: `${from}.out`, groupId: `${from}.relay` });
    const value = payload(SIZE);
    const feed = (seconds) => atRate(rate, seconds, (first, end) => producer.send({ topic: from, acks: -1, messages: range(first, end).map((n) => ({ key: `org_${n % 4}`, value })) }));
    await feed(RELAY_WARM_SECONDS);
    const before = { ...(await worker.call('relayed')), broker: cpuSeconds(broker.pid) };
    await feed(RELAY_SECONDS);
    await waitFor(async () => (await worker.call('relayed')).relayed >= before.relayed + rate * RELAY_SECONDS, { timeoutMs: 30_000, intervalMs: 20 });
    const after = { ...(await worker.call('relayed')), broker: cpuSeconds(broker.pid) };
    const relayCpu = after.cpuSeconds - before.cpuSeconds;
    return { relayCores: relayCpu / RELAY_SECONDS, relayUs: (relayCpu / (after.relayed - before.relayed)) * 1e6, brokerCores: (after.broker - before.broker) / RELAY_SECONDS };
  } finally {
    await producer.disconnect();
    await worker.stop();
  }
}


main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
