import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

export interface InboundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

/** Returned by a handler whose message is not due yet: its partition waits, nothing is committed past it. */
export interface Deferral {
  deferUntil: number;
}

export type HandlerResult = void | Deferral;
export type MessageHandler = (message: InboundMessage) => Promise<HandlerResult>;

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  handler: MessageHandler;
  /** Messages in flight per partition; messages sharing a key still run one after another, in order. */
  concurrency?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /** A batch running longer than this marks the consumer as not live. */
  stallTimeoutMs?: number;
}

export interface ConsumerHealth {
  /** Joined its group and not crashed. */
  ready: boolean;
  /** Not crashed and no batch stuck past the stall timeout. */
  live: boolean;
  lastProgressAt: number | null;
}

const MAX_BACKOFF_MS = 30_000;

export function defer(until: number): Deferral {
  return { deferUntil: until };
}

function toInbound(topic: string, partition: number, message: KafkaMessage): InboundMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString() : null,
    value: message.value,
    headers,
    timestamp: message.timestamp,
  };
}

/**
 * Runs a consumer group with the settings no service should change: offsets committed only
 * for messages whose handler finished (a contiguous prefix of each batch), heartbeats while
 * handlers work, and a failed handler retried by seeking back and pausing that partition with
 * backoff, so an outage delays work but never skips it.
 */
export class ConsumerRunner {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly concurrency: number;
  private readonly stallTimeoutMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private readonly batchesInFlight = new Map<symbol, number>();
  private joined = false;
  private crashed = false;
  private lastProgressAt: number | null = null;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumerOptions,
  ) {
    this.logger = new Logger(`consumer:${options.groupId}`);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      // Bounds how long a resumed (previously paused) partition waits for the next fetch.
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 30_000 },
    });
    const { GROUP_JOIN, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => (this.joined = true));
    this.consumer.on(STOP, () => (this.joined = false));
    this.consumer.on(CRASH, ({ payload }) => {
      this.logger.error({ msg: 'consumer crashed', error: payload.error.message, restart: payload.restart });
      if (!payload.restart) this.crashed = true;
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  /** Finishes the batches in flight, commits them and leaves the group. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.consumer.disconnect();
  }

  health(now = Date.now()): ConsumerHealth {
    const stuck = [...this.batchesInFlight.values()].some((startedAt) => now - startedAt > this.stallTimeoutMs);
    return { ready: this.joined && !this.crashed, live: !this.crashed && !stuck, lastProgressAt: this.lastProgressAt };
  }

  private async processBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    const token = Symbol(topic);
    this.batchesInFlight.set(token, Date.now());
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
    const settled = new Array<boolean>(messages.length).fill(false);
    let failure: unknown;
    let deferral: { index: number; until: number } | undefined;
    const chains = new Map<string, Promise<void>>();
    const running = new Set<Promise<void>>();
    try {
      for (let i = 0; i < messages.length; i++) {
        while (running.size >= this.concurrency) await Promise.race(running);
        if (failure !== undefined || deferral || !isRunning() || isStale()) break;
        const message = toInbound(topic, partition, messages[i]);
        const key = message.key ?? `#${i}`;
        const task = (chains.get(key) ?? Promise.resolve())
          .then(async () => {
            if (failure !== undefined || (deferral && deferral.index < i)) return;
            const result = await this.options.handler(message);
            if (result && typeof result === 'object' && 'deferUntil' in result) {
              if (!deferral || i < deferral.index) deferral = { index: i, until: result.deferUntil };
            } else {
              settled[i] = true;
            }
          })
          .catch((error: unknown) => {
            failure ??= error;
          });
        chains.set(key, task);
        running.add(task);
        void task.finally(() => running.delete(task));
      }
      await Promise.all(running);

      let done = 0;
      while (done < messages.length && settled[done]) done++;
      if (done > 0) {
        const last = messages[done - 1].offset;
        resolveOffset(last);
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: (BigInt(last) + 1n).toString() }] }] });
        this.lastProgressAt = Date.now();
      }
      if (done < messages.length && isRunning() && !isStale()) {
        const next = messages[done].offset;
        if (failure !== undefined) this.retryLater(topic, partition, next, failure);
        else if (deferral) this.waitUntil(topic, partition, next, deferral.until);
      } else if (failure === undefined) {
        this.failures.delete(`${topic}/${partition}`);
      }
    } finally {
      clearInterval(beat);
      this.batchesInFlight.delete(token);
    }
  }

  private retryLater(topic: string, partition: number, offset: string, error: unknown): void {
    const key = `${topic}/${partition}`;
    const attempt = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempt);
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempt - 1));
    this.logger.error({ msg: 'handler failed; will retry', topic, partition, offset, attempt, delayMs: delay, error: String(error) });
    this.waitUntil(topic, partition, offset, Date.now() + delay);
  }

  /** Rewinds the partition to `offset` and pauses it until `until`, leaving other partitions running. */
  private waitUntil(topic: string, partition: number, offset: string, until: number): void {
    this.consumer.seek({ topic, partition, offset });
    this.consumer.pause([{ topic, partitions: [partition] }]);
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.consumer.resume([{ topic, partitions: [partition] }]);
      },
      Math.max(0, until - Date.now()),
    );
    this.timers.add(timer);
  }
}
