import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { KafkaProducer } from './producer';
import { Headers } from './topology';

/** A parked message as an operator reads it: where it is, why it is there, where it came from. */
export interface DeadLetter {
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  reason: string | null;
  error: string | null;
  attempts: string | null;
  source: { topic: string; partition: string | null; offset: string | null } | null;
  /** Bytes of a value too large to park: it is still at its source position. */
  valueOmitted: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
}

/** Headers Herald adds when it parks a message; a replay removes them, so the message goes back as it came. */
const PARKING_HEADERS: readonly string[] = [Headers.reason, Headers.error, Headers.attempts, Headers.sourceTopic, Headers.sourcePartition, Headers.sourceOffset, Headers.valueOmitted];

function toDeadLetter(partition: number, message: KafkaMessage): DeadLetter {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = String(Array.isArray(value) ? value[0] : value);
  const sourceTopic = headers[Headers.sourceTopic];
  return {
    partition,
    offset: message.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    key: message.key?.toString() ?? null,
    reason: headers[Headers.reason] ?? null,
    error: headers[Headers.error] ?? null,
    attempts: headers[Headers.attempts] ?? null,
    source: sourceTopic ? { topic: sourceTopic, partition: headers[Headers.sourcePartition] ?? null, offset: headers[Headers.sourceOffset] ?? null } : null,
    valueOmitted: headers[Headers.valueOmitted] ?? null,
    headers,
    value: message.value,
  };
}

/**
 * Reads a topic from `from` (per partition; default its start) up to its end as it was when called, with a
 * consumer that joins no group and commits nothing, so reading never moves anyone's offsets.
 */
export async function readDeadLetters(kafka: Kafka, topic: string, from: { partition: number; offset: string } | null = null): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; low: string; high: string }[];
  try {
    ends = (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high }));
  } finally {
    await admin.disconnect();
  }
  const wanted = ends
    .filter((p) => from === null || p.partition === from.partition)
    .map((p) => ({ ...p, start: from ? BigInt(from.offset) : BigInt(p.low) }))
    .filter((p) => p.start < BigInt(p.high));
  if (wanted.length === 0) return [];

  const consumer = kafka.consumer({ groupId: `herald-dlq-reader-${randomUUID()}`, sessionTimeout: 10_000 });
  const read: DeadLetter[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const remaining = new Set(wanted.map((p) => p.partition));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 60_000);
      void consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const range = wanted.find((p) => p.partition === partition);
            if (!range || !remaining.has(partition) || BigInt(message.offset) < range.start) return;
            read.push(toDeadLetter(partition, message));
            if (BigInt(message.offset) + 1n >= BigInt(range.high)) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
      for (const p of wanted) consumer.seek({ topic, partition: p.partition, offset: p.start.toString() });
    });
  } finally {
    await consumer.disconnect();
  }
  return read.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

async function readAt(kafka: Kafka, topic: string, at: { partition: number; offset: string }): Promise<DeadLetter | undefined> {
  return (await readDeadLetters(kafka, topic, at)).find((l) => l.offset === at.offset);
}

/**
 * Sends one parked message back where it came from (or to `to`), key, value and original headers as they
 * were, Herald's parking headers removed. Its ids are unchanged, so a delivery replayed this way keeps its
 * `webhook-id`. A message parked without its value (too large) is read from its source position instead, as
 * long as that topic still retains it. Resolves with what was sent and where.
 */
export async function replayDeadLetter(kafka: Kafka, topic: string, at: { partition: number; offset: string }, to?: string): Promise<{ letter: DeadLetter; to: string }> {
  const letter = await readAt(kafka, topic, at);
  if (!letter) throw new Error(`no message at ${topic} partition ${at.partition} offset ${at.offset}`);
  const target = to ?? letter.source?.topic;
  if (!target) throw new Error(`the message names no source topic (${Headers.sourceTopic}); say where it goes with --to`);
  let original = letter;
  if (letter.valueOmitted !== null) {
    const { source } = letter;
    const found = source?.partition && source.offset ? await readAt(kafka, source.topic, { partition: Number(source.partition), offset: source.offset }) : undefined;
    if (!found) throw new Error(`the message was parked without its value (${letter.valueOmitted} bytes) and its source position is no longer readable`);
    original = found;
  }
  const headers = Object.fromEntries(Object.entries(original.headers).filter(([name]) => !PARKING_HEADERS.includes(name)));
  const producer = new KafkaProducer(kafka);
  await producer.connect();
  try {
    await producer.send(target, [{ key: original.key, value: original.value ?? '', headers }]);
  } finally {
    await producer.disconnect();
  }
  return { letter, to: target };
}
