// One Kafka client under test, run as a process of its own so its CPU is its own (kafka-clients.mjs). Started with
// BENCH_CLIENT=kafkajs|platformatic and BENCH_BROKERS; answers `produce` and `consume` with { seconds, cpuSeconds },
// and `relay` (start relaying one topic to another) and `relayed` with { cpuSeconds, relayed }.
import { createRequire } from 'node:module';
import path from 'node:path';
import { payload, root, serveCommands } from './common.mjs';

const require = createRequire(import.meta.url);
const client = process.env.BENCH_CLIENT;
const brokers = [process.env.BENCH_BROKERS];

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Both clients as Herald uses kafkajs: idempotent, acks from all in-sync replicas, one request in flight. */
const clients = {
  async kafkajs() {
    const { Kafka, Partitioners, logLevel } = require('kafkajs');
    // As in Herald's services (libs/kafka): without kafkajs's idle timer loop.
    require(path.join(root, 'dist/libs/kafka/src/request-queue.js')).patchRequestQueue();
    const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return {
      send: (topic, messages) => producer.send({ topic, acks: -1, messages }),
      consume: async (topic, groupId, count) => {
        const consumer = kafka.consumer({ groupId });
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        let seen = 0;
        let firstAt;
        const done = new Promise((resolve) => {
          consumer.run({
            eachMessage: async ({ message }) => {
              firstAt ??= [performance.now(), cpuSeconds()];
              message.value.toString();
              if (++seen === count) resolve();
            },
          });
        });
        await done;
        const result = { seconds: (performance.now() - firstAt[0]) / 1000, cpuSeconds: cpuSeconds() - firstAt[1] };
        await consumer.disconnect();
        return result;
      },
      relay: async (from, to, groupId) => {
        const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
        await consumer.connect();
        await consumer.subscribe({ topics: [from] });
        const relay = relayTo((messages) => producer.send({ topic: to, acks: -1, messages }));
        // Committed as Herald's ConsumerRunner does: every 100 ms, every moved partition in one request (kafkajs's own
        // autoCommit sends one request per partition and batch, whatever its interval).
        const moved = new Map();
        setInterval(() => {
          if (moved.size === 0) return;
          const offsets = [...moved].map(([partition, offset]) => ({ topic: from, partition, offset }));
          moved.clear();
          consumer.commitOffsets(offsets).catch((error) => console.error(`commit: ${error.message}`));
        }, 100).unref();
        await consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: 3,
          eachBatch: async ({ batch }) => {
            batch.messages.forEach(relay.add);
            moved.set(batch.partition, String(Number(batch.lastOffset()) + 1));
          },
        });
        return relay;
      },
      close: () => producer.disconnect(),
    };
  },
  async platformatic() {
    const { Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers } = await import('@platformatic/kafka');
    const producer = new Producer({ clientId: 'bench-platformatic', bootstrapBrokers: brokers, serializers: stringSerializers, idempotent: true, acks: ProduceAcks.ALL });
    return {
      send: (topic, messages) => producer.send({ messages: messages.map((m) => ({ topic, key: m.key, value: m.value })) }),
      consume: async (topic, groupId, count) => {
        const consumer = new Consumer({ clientId: 'bench-platformatic', groupId, bootstrapBrokers: brokers, deserializers: stringDeserializers });
        const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: true });
        let seen = 0;
        let firstAt;
        await new Promise((resolve, reject) => {
          stream.on('error', reject);
          stream.on('data', (message) => {
            firstAt ??= [performance.now(), cpuSeconds()];
            if (++seen === count) resolve();
          });
        });
        const result = { seconds: (performance.now() - firstAt[0]) / 1000, cpuSeconds: cpuSeconds() - firstAt[1] };
        await stream.close();
        await consumer.close(true);
        return result;
      },
      relay: async (from, to, groupId) => {
        const consumer = new Consumer({ clientId: 'bench-platformatic', groupId, bootstrapBrokers: brokers, deserializers: stringDeserializers, maxWaitTime: 500, minBytes: 1 });
        const stream = await consumer.consume({ topics: [from], mode: 'latest', autocommit: 100 });
        const relay = relayTo((messages) => producer.send({ messages: messages.map((m) => ({ topic: to, key: m.key, value: m.value })) }));
        stream.on('data', relay.add);
        return relay;
      },
      close: () => producer.close(),
    };
  },
};

/**
 * A relay as Herald's services are one (KafkaProducer): what one turn of the event loop consumed goes out in one
 * send, one send in flight, what comes meanwhile in the next; consuming does not wait for sends. Offsets are
 * committed every 100 ms.
 */
function relayTo(send) {
  let pending = [];
  let sending = false;
  const pump = async () => {
    sending = true;
    while (pending.length) {
      const batch = pending;
      pending = [];
      await send(batch).catch((error) => console.error(`relay: ${error.message}`));
    }
    sending = false;
  };
  const relay = {
    relayed: 0,
    add: (message) => {
      if (pending.length === 0 && !sending) setImmediate(pump);
      pending.push({ key: message.key, value: message.value });
      relay.relayed++;
    },
  };
  return relay;
}

const kafka = await clients[client]();
let relay;
serveCommands({
  /** `count` messages of `size` bytes in sends of `batch`, one send at a time, keys spread over 60. */
  produce: async ({ topic, count, batch, size }) => {
    const value = payload(size);
    const started = [performance.now(), cpuSeconds()];
    for (let sent = 0; sent < count; sent += batch) {
      await kafka.send(topic, Array.from({ length: Math.min(batch, count - sent) }, (_, i) => ({ key: `k${(sent + i) % 60}`, value })));
    }
    return { seconds: (performance.now() - started[0]) / 1000, cpuSeconds: cpuSeconds() - started[1] };
  },
  /** A new group reads the topic from the beginning: from its first message to its `count`th. */
  consume: ({ topic, groupId, count }) => kafka.consume(topic, groupId, count),
  /** Starts relaying `from` to `to` in group `groupId`, until the process ends. */
  relay: async ({ from, to, groupId }) => {
    relay = await kafka.relay(from, to, groupId);
    return {};
  },
  /** This process's CPU so far and the messages relayed. */
  relayed: () => ({ cpuSeconds: cpuSeconds(), relayed: relay.relayed }),
});
process.on('SIGTERM', () => kafka.close().finally(() => process.exit(0)));
process.send({ ready: true });
