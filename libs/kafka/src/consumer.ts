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

/**
 * Returned by a handler whose side effects are done but whose record keeping is still being
 * written: the next message with the same key may start now, while the offset waits for `durable`.
 */
export interface Settling {
  durable: Promise<void>;
}

export type HandlerResult = void | Deferral | Settling;
export type MessageHandler = (message: InboundMessage) => Promise<HandlerResult>;

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  handler: MessageHandler;
  /**
   * Handlers executing at once per partition. Messages sharing a key run one after another, in
   * order; others run side by side, across batches, so one slow key does not hold up the partition.
   */
  concurrency?: number;
  /** `key` (default): same-key messages run in order. `none`: every message is independent. */
  ordering?: 'key' | 'none';
  /**
   * With `key` ordering: how many messages of one key may run at once (default 1, strict order).
   * Above 1, a key's messages are dealt round-robin to that many lanes, each in order.
   */
  perKeyConcurrency?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /** The oldest message in flight being older than this marks the consumer as not live. */
  stallTimeoutMs?: number;
}

export interface ConsumerHealth {
  /** Joined its group and not crashed. */
  ready: boolean;
  /** Not crashed and nothing stuck past the stall timeout. */
  live: boolean;
  lastProgressAt: number | null;
}

const MAX_BACKOFF_MS = 30_000;
const COMMIT_INTERVAL_MS = 100;
/** Finished messages kept behind an unfinished one, per partition, before fetching waits. */
const MAX_SPAN = 10_000;

export function defer(until: number): Deferral {
  return { deferUntil: until };
}

export function settling(durable: Promise<void>): Settling {
  // Handled here as well, so a rejection before the runner attaches its own handler is not "unhandled".
  durable.catch(() => undefined);
  return { durable };
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

interface Entry {
  offset: bigint;
  startedAt: number;
  done: boolean;
}

/** Why a partition stopped taking work: a handler failed or deferred at `offset`. */
interface Halt {
  offset: bigint;
  until: number | null;
  error?: unknown;
}

/** Work in flight on one partition, oldest first; only a done prefix is ever committed. */
class PartitionWork {
  readonly entries: Entry[] = [];
  readonly chains = new Map<string, Promise<void>>();
  /** Messages seen per key, to deal them to lanes when a key may run several at once. */
  readonly dealt = new Map<string, number>();
  readonly tasks = new Set<Promise<void>>();
  /** Handlers executing now (not those queued behind a message with the same key). */
  running = 0;
  private waiters: (() => void)[] = [];
  halt: Halt | undefined;
  /** Bumped on halt or reassignment: queued handlers of an older generation skip their message. */
  generation = 0;
  committed: bigint | null = null;
  commitTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Offset to commit: one past the last message of the done prefix, or null if nothing new. */
  takeDonePrefix(): bigint | null {
    let next: bigint | null = null;
    while (this.entries.length > 0 && this.entries[0].done) next = this.entries.shift()!.offset + 1n;
    return next;
  }

  oldestUnfinished(): Entry | undefined {
    return this.entries.find((e) => !e.done);
  }

  full(concurrency: number): boolean {
    return this.running >= concurrency || this.entries.length >= MAX_SPAN;
  }

  waitForRoom(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * Runs a consumer group with the settings no service should change. Offsets are committed only
 * up to the oldest message whose handler has not finished. Fetching goes on while handlers
 * run (up to `concurrency` messages per partition), so one slow receiver cannot block the
 * messages behind it. A handler that throws halts its partition: the partition is paused,
 * rewound to that message and resumed with backoff, so an outage delays work but never skips
 * it. A Deferral does the same until the given time, without counting as a failure.
 */
export class ConsumerRunner {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly concurrency: number;
  private readonly stallTimeoutMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private partitions = new Map<string, PartitionWork>();
  private joined = false;
  private crashed = false;
  private stopping = false;
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
    this.consumer.on(GROUP_JOIN, () => {
      this.joined = true;
      this.forgetPartitions();
    });
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
      eachBatch: (payload) => this.takeBatch(payload),
    });
  }

  /** Stops fetching, lets in-flight handlers finish (up to `drainMs`), commits them and leaves the group. */
  async stop(drainMs = 30_000): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    const all = [...this.partitions.values()];
    const drained = Promise.all(all.flatMap((p) => [...p.tasks]));
    await Promise.race([drained, new Promise((r) => setTimeout(r, drainMs).unref())]);
    await Promise.all(all.map((p) => this.commitNow(p)));
    await this.consumer.disconnect();
  }

  health(now = Date.now()): ConsumerHealth {
    const stuck = [...this.partitions.values()].some((p) => {
      const oldest = p.oldestUnfinished();
      return oldest !== undefined && now - oldest.startedAt > this.stallTimeoutMs;
    });
    return { ready: this.joined && !this.crashed, live: !this.crashed && !stuck, lastProgressAt: this.lastProgressAt };
  }

  /** After a rebalance kafkajs fetches from committed offsets again: start each partition afresh. */
  private forgetPartitions(): void {
    for (const work of this.partitions.values()) {
      work.generation++;
      clearTimeout(work.commitTimer);
      void this.commitNow(work);
    }
    this.partitions = new Map();
  }

  private work(topic: string, partition: number): PartitionWork {
    const id = `${topic}/${partition}`;
    let work = this.partitions.get(id);
    if (!work) this.partitions.set(id, (work = new PartitionWork(topic, partition)));
    return work;
  }

  /** Dispatches a batch and returns once every message is started (not finished). */
  private async takeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const work = this.work(batch.topic, batch.partition);
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
    try {
      for (const message of batch.messages) {
        while (work.full(this.concurrency) && !work.halt && isRunning() && !isStale()) await work.waitForRoom();
        if (work.halt || !isRunning() || isStale() || this.stopping || this.partitions.get(`${work.topic}/${work.partition}`) !== work) return;
        this.dispatch(work, toInbound(batch.topic, batch.partition, message));
        resolveOffset(message.offset);
      }
    } finally {
      clearInterval(beat);
    }
  }

  private dispatch(work: PartitionWork, message: InboundMessage): void {
    const entry: Entry = { offset: BigInt(message.offset), startedAt: Date.now(), done: false };
    work.entries.push(entry);
    const generation = work.generation;
    const key = this.laneOf(work, message);
    const task: Promise<void> = (work.chains.get(key) ?? Promise.resolve())
      .then(async () => {
        if (work.generation !== generation) return;
        entry.startedAt = Date.now();
        work.running++;
        try {
          const result = await this.options.handler(message);
          if (result && typeof result === 'object' && 'deferUntil' in result) this.halt(work, { offset: entry.offset, until: result.deferUntil });
          else if (result && typeof result === 'object' && 'durable' in result) this.track(work, entry, result.durable);
          else entry.done = true;
        } finally {
          work.running--;
        }
      })
      .catch((error: unknown) => this.halt(work, { offset: entry.offset, until: null, error }))
      .finally(() => {
        work.tasks.delete(task);
        if (work.chains.get(key) === task) work.chains.delete(key);
        this.settled(work);
      });
    work.chains.set(key, task);
    work.tasks.add(task);
  }

  private laneOf(work: PartitionWork, message: InboundMessage): string {
    if (this.options.ordering === 'none' || message.key === null) return `#${message.offset}`;
    const lanes = this.options.perKeyConcurrency ?? 1;
    if (lanes <= 1) return message.key;
    const n = work.dealt.get(message.key) ?? 0;
    work.dealt.set(message.key, n + 1);
    return `${message.key}\u0000${n % lanes}`;
  }

  /** The message counts as done once `durable` resolves; drain and rewind wait for it too. */
  private track(work: PartitionWork, entry: Entry, durable: Promise<void>): void {
    const tracked: Promise<void> = durable
      .then(() => {
        entry.done = true;
      })
      .catch((error: unknown) => this.halt(work, { offset: entry.offset, until: null, error }))
      .finally(() => {
        work.tasks.delete(tracked);
        this.settled(work);
      });
    work.tasks.add(tracked);
  }

  private halt(work: PartitionWork, halt: Halt): void {
    if (work.halt && work.halt.offset <= halt.offset) return;
    work.halt = halt;
    work.generation++;
    this.consumer.pause([{ topic: work.topic, partitions: [work.partition] }]);
  }

  private settled(work: PartitionWork): void {
    work.wake();
    if (work.halt && work.tasks.size === 0) {
      void this.rewind(work);
      return;
    }
    work.commitTimer ??= setTimeout(() => {
      work.commitTimer = undefined;
      void this.commitNow(work);
    }, COMMIT_INTERVAL_MS);
  }

  private async commitNow(work: PartitionWork): Promise<void> {
    const next = work.takeDonePrefix();
    work.wake();
    if (next === null || (work.committed !== null && next <= work.committed)) return;
    try {
      await this.consumer.commitOffsets([{ topic: work.topic, partition: work.partition, offset: next.toString() }]);
      work.committed = next;
      this.lastProgressAt = Date.now();
    } catch (error) {
      // A rebalance took the partition: its new owner starts from the last commit (duplicates, never gaps).
      this.logger.warn({ msg: 'offset commit failed', topic: work.topic, partition: work.partition, error: String(error) });
    }
  }

  /** Every handler of a halted partition has settled: commit what finished, seek back to the first unfinished message, resume later. */
  private async rewind(work: PartitionWork): Promise<void> {
    const halt = work.halt!;
    clearTimeout(work.commitTimer);
    work.commitTimer = undefined;
    await this.commitNow(work);
    const from = work.oldestUnfinished()?.offset ?? halt.offset;
    if (this.stopping || this.partitions.get(`${work.topic}/${work.partition}`) !== work) return;
    this.partitions.delete(`${work.topic}/${work.partition}`);
    const id = `${work.topic}/${work.partition}`;
    let until = halt.until;
    if (until === null) {
      const attempt = (this.failures.get(id) ?? 0) + 1;
      this.failures.set(id, attempt);
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempt - 1));
      this.logger.error({ msg: 'handler failed; will retry', topic: work.topic, partition: work.partition, offset: halt.offset.toString(), attempt, delayMs: delay, error: String(halt.error) });
      until = Date.now() + delay;
    } else {
      this.failures.delete(id);
    }
    this.consumer.seek({ topic: work.topic, partition: work.partition, offset: from.toString() });
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.consumer.resume([{ topic: work.topic, partitions: [work.partition] }]);
      },
      Math.max(0, until - Date.now()),
    );
    this.timers.add(timer);
  }
}
