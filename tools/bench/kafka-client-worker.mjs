// One Kafka client under test, run as a process of its own so its CPU is its own (kafka-clients.mjs). Started with
// BENCH_CLIENT=kafkajs|platformatic and BENCH_BROKERS; answers `produce` and `consume` with { seconds, cpuSeconds }.
import { createRequire } from 'node:module';
import { serveCommands } from './common.mjs';

const require = createRequire(import.meta.url);
const client = process.env.BENCH_CLIENT;
const brokers = [process.env.BENCH_BROKERS];

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const payload = (size) => 'x'.repeat(size);

/** Both clients as Herald uses kafkajs: idempotent, acks from all in-sync replicas, one request in flight. */
const clients = {
  async kafkajs() {
    const { Kafka, Partitioners, logLevel } = require('kafkajs');
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
      close: () => producer.close(),
    };
  },
};

const kafka = await clients[client]();
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
});
process.on('SIGTERM', () => kafka.close().finally(() => process.exit(0)));
process.send({ ready: true });
