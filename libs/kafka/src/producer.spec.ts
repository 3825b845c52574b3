import { randomUUID } from 'node:crypto';
import { testKafka } from '@herald/testing';
import { KafkaProducer } from './producer';

/** Against the real broker: coalesced sends stay ordered and within the broker's request limits. */
describe('KafkaProducer', () => {
  const kafka = testKafka();

  async function topic(): Promise<string> {
    const name = `test.producer.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    return name;
  }

  async function readAll(name: string, count: number): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: name, fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === count) resolve();
        },
      });
    });
    await consumer.disconnect();
    return values;
  }

  it('delivers many concurrent sends, more than 1 MiB together, in the order they were made', async () => {
    const name = await topic();
    const producer = new KafkaProducer(kafka);
    await producer.connect();
    const filler = 'x'.repeat(1000);
    // 64 callers × 50 messages × ~1 KB ≈ 3 MB queued at once: must be split into several requests.
    await Promise.all(
      Array.from({ length: 64 }, (_, caller) =>
        producer.send(
          name,
          Array.from({ length: 50 }, (_, i) => ({ key: 'same', value: `${caller * 50 + i}:${filler}` })),
        ),
      ),
    );
    await producer.disconnect();
    const values = await readAll(name, 3200);
    expect(values.map((v) => Number(v.split(':')[0]))).toEqual(Array.from({ length: 3200 }, (_, i) => i));
  }, 60_000);
});
