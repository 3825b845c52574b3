// Kafka client microbenchmark: kafkajs (what libs/kafka uses) against @platformatic/kafka on a real broker. Each
// client in a process of its own, the same topic layout, batch and message sizes; producers as Herald's (idempotent,
// acks=all). Two rounds in alternating order; prints messages/s, client CPU µs per message and broker CPU µs per
// message, per round and the medians. Not a test.
//
//   npm run bench:kafka-clients       (BENCH_MESSAGES, default 50000; BENCH_BATCH 100; BENCH_SIZE 1024 bytes;
//                                      BENCH_KAFKA_PORT, default 35292)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKafka } from '../kafka/kafka.mjs';
import { cpuSeconds, forkWorker, formatRows, markdownTable, median, require, root } from './common.mjs';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const SIZE = Number(process.env.BENCH_SIZE ?? 1024);
const KAFKA_PORT = Number(process.env.BENCH_KAFKA_PORT ?? 35_292);
const PARTITIONS = 6;
const CLIENTS = ['kafkajs', 'platformatic'];

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'herald-bench-clients-'));
  const broker = await startKafka({ port: KAFKA_PORT, dataDir, fresh: true, heapMb: 768 });
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'bench-admin', brokers: [broker.brokers], logLevel: logLevel.NOTHING }).admin();
  const rounds = [];
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
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  writeFileSync(path.join(root, 'tmp', 'bench-kafka-clients.json'), JSON.stringify({ messages: MESSAGES, batch: BATCH, size: SIZE, rounds, medians: med }, null, 2));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
