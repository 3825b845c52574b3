import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** The broker the jest global setup started (or the one KAFKA_BROKERS names). */
export function testKafka(): Kafka {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run tests with `npm test` (or jest, whose global setup starts Kafka)');
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  return new Kafka({ clientId: 'herald-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** A message as a test sees it (the same shape as @herald/kafka's TopicMessage). */
export interface TopicMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/**
 * Reads a topic from the beginning with a throwaway group until `enough` says so, or fails
 * after `timeoutMs` showing what it saw.
 */
export async function readTopic(kafka: Kafka, topic: string, enough: (messages: TopicMessage[]) => boolean, timeoutMs = 30_000): Promise<TopicMessage[]> {
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}`, sessionTimeout: 10_000 });
  const seen: TopicMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<TopicMessage[]>((resolve, reject) => {
      // The last few messages seen say enough; thousands of them would bury the failure.
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}; saw ${seen.length}, the last: ${seen.slice(-5).map((m) => m.value?.toString().slice(0, 500)).join(' | ')}`)), timeoutMs);
      void consumer.run({
        // Once per batch, not per message: `enough` usually scans everything seen so far, and a topic that earlier
        // suites filled with thousands of messages would make that quadratic.
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            seen.push({ topic, partition: batch.partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value, headers, timestamp: message.timestamp });
          }
          if (enough(seen)) {
            clearTimeout(timer);
            resolve([...seen]);
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Polls until `check` returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}
