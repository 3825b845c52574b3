import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { describeError } from '@herald/observability';
import { classifyFailure, nextStep, type FailureKind } from './failures';
import { lingerBetweenFetches } from './fetch-linger';
import { InFlight, type Entry } from './in-flight';
import { Lanes, type Placement } from './lanes';

export interface InboundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
  /** When this process took the message from its batch (local clock, ms): it was in Kafka before then. */
  receivedAt: number;
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

/** Why a message is being quarantined: what its failures were classified as, and the last error. */
export interface QuarantineFailure {
  /** Bounded label: `stack_overflow`, `message_too_large`, `pg_22021`, `unknown_error`… */
  reason: string;
  kind: FailureKind;
  /** Failed attempts, outages not counted. */
  attempts: number;
  error: unknown;
}

/** Moves a message that will keep failing off its partition (to a dead-letter topic); resolves once that is durable. */
export type QuarantineHandler = (message: InboundMessage, failure: QuarantineFailure) => Promise<void>;

/**
 * Where a message runs: its group and lane (see Placement), or null to run on its own. A promise only when the
 * answer needs a read first (e.g. settings not yet known); the partition's dispatching waits for it, so it must
 * settle soon and never reject (answer a safe placement instead).
 */
export type PlaceMessage = (message: InboundMessage) => Placement | null | Promise<Placement | null>;

/**
 * A bound on the messages of one group waiting on a partition. Groups run side by side, so a long queue only costs
 * others once its partition nears its fetch bound (`crowdedAt` unfinished messages). From then on, when
 * `maxQueuedPerKey` messages of a group already wait beyond the `limit` running for it and that group holds two
 * thirds of the partition's unfinished messages beside other groups, or has finished none for a while (a hung
 * handler), each further message of that key is handed to `spill` instead of joining the queue. Groups that all
 * drain share the fetch bound instead, and the rest of the backlog waits in Kafka. Once `spill` resolves the message
 * counts as done (its offset may be committed), so a key whose handler hangs cannot hold fetching up for every
 * other key. `spill` must make the message durable elsewhere (e.g. a retry tier) before it resolves; a rejection is
 * a handler failure at that offset (retried, or quarantined if it repeats). The runner decides by these counts
 * only: keeping a key's order across spilled and queued messages (for example by spilling every later message of a
 * key while earlier ones are still out) is the spill owner's job.
 */
export interface OverflowOptions {
  maxQueuedPerKey: number;
  /** Unfinished messages in a partition from which a group over its bound may be spilled; default 9/10 of the fetch bound. */
  crowdedAt?: number;
  spill(message: InboundMessage): Promise<void>;
  /**
   * Optional: decides instead of the crowding rule whether the message leaves (`full`: that rule says so). Lets
   * the spill owner keep a key's order, e.g. send every later message of a key out while earlier ones are away.
   */
  leaves?(message: InboundMessage, full: boolean): boolean;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  handler: MessageHandler;
  /**
   * Handlers executing at once per partition before fetching waits. Messages of one lane run one after another,
   * in order; others run side by side, across batches, so one slow key does not hold up the partition.
   */
  concurrency?: number;
  /** `key` (default): messages with the same Kafka key run in order, one at a time. `none`: every message is independent. */
  ordering?: 'key' | 'none';
  /** Places each message instead of `ordering` (e.g. per webhook: its own ordering and limit). */
  place?: PlaceMessage;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /**
   * A partition held on one message for longer than this (running, or failing and being retried) marks the
   * consumer as not live.
   */
  stallTimeoutMs?: number;
  /** Where a message goes once its failures are judged to repeat; see `nextStep` for the bound. */
  quarantine: QuarantineHandler;
  overflow?: OverflowOptions;
  /** Fetches at least this far apart while they keep bringing messages (FetchLinger); 0, the default: fetch again at once. */
  fetchLingerMs?: number;
}

export interface ConsumerHealth {
  /** Joined its group, not crashed, and no partition waiting out an outage (broker or database unreachable). */
  ready: boolean;
  /** Not stopped by a crash and no partition held on one message, past the stall timeout (retries and restarts included). */
  live: boolean;
  lastProgressAt: number | null;
}

const MAX_BACKOFF_MS = 30_000;

/** The wait before try number `tries` + 1: from half a second, doubling, up to MAX_BACKOFF_MS. */
function backoffMs(tries: number): number {
  return Math.min(MAX_BACKOFF_MS, 500 * 2 ** (tries - 1));
}

/**
 * The broker's minimum (group.min.session.timeout.ms): a member killed with SIGKILL leaves its group after
 * 6 s without heartbeats, so its replacement gets the partitions and works again within about 8 s
 * (docs/decisions.md). Heartbeats every second keep a live member well inside it.
 */
const SESSION_TIMEOUT_MS = 6_000;
const HEARTBEAT_INTERVAL_MS = 1_000;
/** How long one turn of handing out a batch may hold the event loop before it lets other work in. */
const MAX_TURN_MS = 10;
const COMMIT_INTERVAL_MS = 100;
/** Unfinished messages (running or waiting for their lane) per partition before fetching waits: bounds memory. */
const MAX_UNFINISHED = 2_000;
/** A group that finished nothing for this long while its partition is crowded is stuck (e.g. an endpoint that hangs). */
const STUCK_AFTER_MS = 1_000;
/**
 * Offsets past the oldest unfinished message per partition before fetching waits: bounds what a restart hands out
 * again. Finished messages (spilled ones among them) cost nothing to keep, so this is well above MAX_UNFINISHED.
 */
const MAX_SPAN = 100_000n;

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
  const raw = message.headers ?? {};
  // for…in, not Object.entries: no array per header, for every message.
  for (const name in raw) {
    const value = raw[name];
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
    receivedAt: Date.now(),
  };
}

/** Why a partition stopped taking work: a handler failed or deferred at `entry`. */
interface Halt {
  entry: Entry;
  message: InboundMessage;
  until: number | null;
  error?: unknown;
}

/** The failures of the message a partition is halted on, kept across rewinds so retries count and show. */
interface Failing {
  offset: bigint;
  since: number;
  /** Every failed try, outages included: drives the backoff. */
  tries: number;
  /** Tries that did not fail for an outage: drives quarantine. */
  attempts: number;
  kind: FailureKind;
  reason: string;
}

interface Task {
  entry: Entry;
  message: InboundMessage;
  placement: Placement | null;
}

/** Work in flight on one partition, oldest first; only a done prefix is ever committed. */
class PartitionWork {
  readonly entries = new InFlight();
  /** Which placed messages may start: per group and lane. */
  readonly lanes = new Lanes<Task>();
  readonly tasks = new Set<Promise<void>>();
  /** Handlers executing now (not those queued behind a message with the same key). */
  running = 0;
  private waiters: (() => void)[] = [];
  halt: Halt | undefined;
  /** Bumped on halt or reassignment: queued handlers of an older generation skip their message. */
  generation = 0;
  committed: bigint | null = null;
  /** One past the last message dispatched: where to resume when nothing is unfinished. */
  next: bigint | null = null;

  /** `topic/partition`, built once: it is looked up for every message. */
  readonly id: string;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.id = `${topic}/${partition}`;
  }

  full(concurrency: number): boolean {
    if (this.running >= concurrency || this.entries.size >= MAX_UNFINISHED) return true;
    const oldest = this.entries.oldestUnfinished();
    return oldest !== undefined && this.next !== null && this.next - oldest.offset >= MAX_SPAN;
  }

  /** Where to commit: the oldest unfinished message, or one past the last dispatched. */
  commitPoint(): bigint | null {
    return this.entries.oldestUnfinished()?.offset ?? this.next;
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
 * rewound to that message and resumed with backoff. What happens next depends on the failure
 * (failures.ts): an outage (broker, database, network) is retried for as long as it lasts, so it
 * delays work but never skips it; a failure that repeats is quarantined after a few attempts, so
 * no message holds its partition for long. A Deferral waits until the given time, without
 * counting as a failure.
 */
export class ConsumerRunner {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly concurrency: number;
  private readonly stallTimeoutMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Per partition id: the message it is halted on and how it has failed. */
  private readonly failing = new Map<string, Failing>();
  private partitions = new Map<string, PartitionWork>();
  /** Set while a commit of every partition's progress is due (one request for all of them). */
  private commitTimer: NodeJS.Timeout | undefined;
  private joined = false;
  /** When kafkajs stopped the consumer after a crash it does not recover from; null while it runs. */
  private crashedAt: number | null = null;
  private stopping = false;
  private lastProgressAt: number | null = null;
  /** Ends the fetch linger (set while the consumer runs with one). */
  private endLinger: (() => void) | undefined;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumerOptions,
  ) {
    this.logger = new Logger(`consumer:${options.groupId}`);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      // Bounds how long a resumed (previously paused) partition waits for the next fetch.
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 30_000 },
    });
    const { GROUP_JOIN, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.forgetPartitions(payload.memberAssignment);
    });
    this.consumer.on(STOP, () => (this.joined = false));
    this.consumer.on(CRASH, ({ payload }) => {
      // kafkajs restarts after retriable errors (the broker went away, the group is rebalancing): that is an
      // outage readiness reports, not an error; a crash it does not recover from is, and the runner restarts it.
      const fields = { msg: 'consumer crashed', restart: payload.restart, error: describeError(payload.error) };
      if (payload.restart) this.logger.warn(fields);
      else this.logger.error(fields);
      this.joined = false;
      if (!payload.restart) {
        this.crashedAt ??= Date.now();
        this.restartAfterCrash();
      }
    });
  }

  /**
   * kafkajs gives up on some errors met while the broker is away or coming back (e.g. no group coordinator
   * found) and stays stopped. The runner starts the consumer again itself, with backoff, so the service recovers
   * with the broker instead of waiting for a restart of its process: readiness fails meanwhile, liveness only
   * once that has gone on past the stall timeout.
   */
  private restartAfterCrash(attempt = 0): void {
    if (this.stopping) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void (async () => {
        try {
          await this.consumer.disconnect();
          await this.start();
          this.crashedAt = null;
          this.logger.warn({ msg: 'consumer started again after a crash', attempt: attempt + 1 });
        } catch (error) {
          this.logger.warn({ msg: 'consumer could not start again after a crash; will retry', attempt: attempt + 1, error: describeError(error) });
          this.restartAfterCrash(attempt + 1);
        }
      })();
    }, backoffMs(attempt + 1));
    this.timers.add(timer);
  }

  async start(): Promise<void> {
    if (this.options.fetchLingerMs) this.endLinger ??= lingerBetweenFetches(this.options.groupId, this.options.fetchLingerMs);
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
    clearTimeout(this.commitTimer);
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    const all = [...this.partitions.values()];
    const drained = Promise.all(all.flatMap((p) => [...p.tasks]));
    await Promise.race([drained, new Promise((r) => setTimeout(r, drainMs).unref())]);
    await this.commit(all);
    await this.consumer.disconnect();
    this.endLinger?.();
    this.endLinger = undefined;
  }

  health(now = Date.now()): ConsumerHealth {
    const running = [...this.partitions.values()].some((p) => {
      const oldest = p.entries.oldestUnfinished();
      return oldest !== undefined && now - oldest.startedAt > this.stallTimeoutMs;
    });
    const failing = [...this.failing.values()];
    const retriedTooLong = failing.some((f) => now - f.since > this.stallTimeoutMs);
    const outage = failing.some((f) => f.kind === 'infrastructure');
    const crashedTooLong = this.crashedAt !== null && now - this.crashedAt > this.stallTimeoutMs;
    return { ready: this.joined && this.crashedAt === null && !outage, live: !crashedTooLong && !running && !retriedTooLong, lastProgressAt: this.lastProgressAt };
  }

  /**
   * After a rebalance kafkajs fetches from committed offsets again: start each partition afresh. Failure
   * records stay for partitions still assigned, so a message failing across a rebalance keeps its count.
   */
  private forgetPartitions(assigned: Record<string, number[]>): void {
    for (const work of this.partitions.values()) work.generation++;
    void this.commit([...this.partitions.values()]);
    this.partitions = new Map();
    const kept = new Set(Object.entries(assigned).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}/${p}`)));
    for (const id of this.failing.keys()) if (!kept.has(id)) this.failing.delete(id);
  }

  private work(topic: string, partition: number): PartitionWork {
    const id = `${topic}/${partition}`;
    let work = this.partitions.get(id);
    if (!work) this.partitions.set(id, (work = new PartitionWork(topic, partition)));
    return work;
  }

  private current(work: PartitionWork): boolean {
    return !this.stopping && this.partitions.get(work.id) === work;
  }

  /** Dispatches a batch and returns once every message is started or waiting for its lane (not finished). */
  private async takeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const work = this.work(batch.topic, batch.partition);
    const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_INTERVAL_MS);
    let turnStartedAt = performance.now();
    try {
      for (const raw of batch.messages) {
        // Starting a handler runs its first synchronous part (parsing, signing, formatting) at once: a batch of hundreds
        // would hold the event loop for hundreds of ms, and probes, heartbeats and answers to requests with it.
        if (performance.now() - turnStartedAt > MAX_TURN_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          turnStartedAt = performance.now();
        }
        while (work.full(this.concurrency) && !work.halt && isRunning() && !isStale()) await work.waitForRoom();
        if (work.halt || !isRunning() || isStale() || !this.current(work)) return;
        const message = toInbound(batch.topic, batch.partition, raw);
        let placement = this.place(message);
        if (placement instanceof Promise) {
          placement = await placement;
          if (work.halt || !isRunning() || isStale() || !this.current(work)) return;
        }
        this.dispatch(work, message, placement);
        resolveOffset(raw.offset);
      }
    } finally {
      clearInterval(beat);
    }
  }

  private place(message: InboundMessage): ReturnType<PlaceMessage> {
    if (this.options.place) return this.options.place(message);
    if (this.options.ordering === 'none' || message.key === null) return null;
    return { group: message.key, lane: message.key, limit: 1 };
  }

  private dispatch(work: PartitionWork, message: InboundMessage, placement: Placement | null): void {
    const offset = BigInt(message.offset);
    const now = Date.now();
    const entry = work.entries.add(offset, now);
    // Kafka hands this partition out from here: nothing below it needs committing by this work.
    work.committed ??= offset;
    work.next = offset + 1n;
    const { overflow } = this.options;
    // Up to `limit` of a group run; beyond those, `maxQueuedPerKey` may wait; beyond that, the message leaves if the
    // partition is crowded and this group is what crowds it.
    if (overflow && placement && message.key !== null) {
      const queued = work.lanes.size(placement.group);
      const full =
        queued >= placement.limit + overflow.maxQueuedPerKey &&
        work.entries.size >= (overflow.crowdedAt ?? MAX_UNFINISHED * 0.9) &&
        ((queued * 3 > work.entries.size * 2 && work.lanes.groupCount > 1) || work.lanes.idleFor(placement.group, now) >= STUCK_AFTER_MS);
      if (overflow.leaves ? overflow.leaves(message, full) : full) {
        this.track(work, entry, message, overflow.spill(message));
        return;
      }
    }
    const task: Task = { entry, message, placement };
    if (!placement) this.run(work, task);
    else for (const ready of work.lanes.add(task, placement, now)) this.run(work, ready);
  }

  private run(work: PartitionWork, { entry, message, placement }: Task): void {
    entry.startedAt = Date.now();
    work.running++;
    // One reaction on the handler's promise, no chain: this runs per message.
    const ended = (outcome: () => void) => {
      work.running--;
      try {
        outcome();
      } catch (error) {
        this.halt(work, { entry, message, until: null, error });
      }
      work.tasks.delete(task);
      if (placement) {
        const next = work.lanes.finish(placement);
        // A halted partition starts nothing more: it is rewound to its oldest unfinished message.
        if (!work.halt && this.current(work)) for (const ready of next) this.run(work, ready);
      }
      this.settled(work);
    };
    const task: Promise<void> = this.handle(message).then(
      (result) => ended(() => this.take(work, entry, message, result)),
      (error: unknown) => ended(() => this.halt(work, { entry, message, until: null, error })),
    );
    work.tasks.add(task);
  }

  /** The handler's answer as a promise, a synchronous throw included. */
  private handle(message: InboundMessage): Promise<HandlerResult> {
    try {
      return Promise.resolve(this.options.handler(message));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** What a handler's answer means for its message: not due yet (the partition halts), settling, or done. */
  private take(work: PartitionWork, entry: Entry, message: InboundMessage, result: HandlerResult): void {
    if (result && typeof result === 'object' && 'deferUntil' in result) this.halt(work, { entry, message, until: result.deferUntil });
    else if (result && typeof result === 'object' && 'durable' in result) this.track(work, entry, message, result.durable);
    else work.entries.finish(entry);
  }

  /** The message counts as done once `durable` resolves; drain and rewind wait for it too. */
  private track(work: PartitionWork, entry: Entry, message: InboundMessage, durable: Promise<void>): void {
    const ended = (outcome: () => void) => {
      try {
        outcome();
      } catch (error) {
        this.halt(work, { entry, message, until: null, error });
      }
      work.tasks.delete(tracked);
      this.settled(work);
    };
    const tracked: Promise<void> = durable.then(
      () => ended(() => work.entries.finish(entry)),
      (error: unknown) => ended(() => this.halt(work, { entry, message, until: null, error })),
    );
    work.tasks.add(tracked);
  }

  private halt(work: PartitionWork, halt: Halt): void {
    if (work.halt && work.halt.entry.offset <= halt.entry.offset) return;
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
    // Once stopping, stop() commits what its drain finished.
    if (this.stopping) return;
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      void this.commit([...this.partitions.values()]);
    }, COMMIT_INTERVAL_MS);
  }

  /**
   * Commits every partition whose commit point moved, in one request: a partition each would cost a request each
   * (OffsetCommit errors are the group's, not a partition's, so one request fails or succeeds for all).
   */
  private async commit(works: PartitionWork[]): Promise<void> {
    const moved = works.flatMap((work) => {
      const next = work.commitPoint();
      work.wake();
      return next === null || (work.committed !== null && next <= work.committed) ? [] : [{ work, next }];
    });
    if (moved.length === 0) return;
    try {
      await this.consumer.commitOffsets(moved.map(({ work, next }) => ({ topic: work.topic, partition: work.partition, offset: next.toString() })));
      for (const { work, next } of moved) {
        work.committed = next;
        const failing = this.failing.get(work.id);
        if (failing && failing.offset < next) this.failing.delete(work.id);
      }
      this.lastProgressAt = Date.now();
    } catch (error) {
      // A rebalance took the partitions: their new owners start from the last commit (duplicates, never gaps).
      const partitions = moved.map(({ work }) => work.id).join(', ');
      this.logger.warn({ msg: 'offset commit failed', partitions, error: describeError(error) });
    }
  }

  /** Counts this failure of the halted message (a different message starts a new count) and says what to do. */
  private recordFailure(work: PartitionWork, halt: Halt): Failing {
    const previous = this.failing.get(work.id);
    const { kind, reason } = classifyFailure(halt.error);
    const same = previous?.offset === halt.entry.offset;
    const failing: Failing = {
      offset: halt.entry.offset,
      since: same ? previous.since : halt.entry.startedAt,
      tries: (same ? previous.tries : 0) + 1,
      attempts: (same ? previous.attempts : 0) + (kind === 'infrastructure' ? 0 : 1),
      kind,
      reason,
    };
    this.failing.set(work.id, failing);
    return failing;
  }

  /**
   * Every handler of a halted partition has settled: commit what finished, then either quarantine the halted
   * message (its failures repeat) and go on after it, or seek back to the first unfinished message and resume
   * after a backoff (an outage, or a failure not yet judged) or at the deferral's time.
   */
  private async rewind(work: PartitionWork): Promise<void> {
    const halt = work.halt!;
    await this.commit([work]);
    if (!this.current(work)) return;
    let until = halt.until;
    if (until === null) {
      const failing = this.recordFailure(work, halt);
      const fields = { topic: work.topic, partition: work.partition, offset: halt.entry.offset.toString(), kind: failing.kind, reason: failing.reason, attempts: failing.attempts };
      if (nextStep(failing) === 'quarantine' && (await this.quarantine(work, halt, failing, fields))) {
        until = Date.now();
      } else {
        const delay = backoffMs(failing.tries);
        this.logger.warn({ msg: 'handler failed; will retry', ...fields, tries: failing.tries, delayMs: delay, error: describeError(halt.error) });
        until = Date.now() + delay;
      }
    } else {
      this.failing.delete(work.id);
    }
    // A rebalance while quarantining: the partition's new owner starts from what was committed.
    if (!this.current(work)) return;
    this.partitions.delete(work.id);
    const from = work.entries.oldestUnfinished()?.offset ?? work.next ?? halt.entry.offset;
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

  /** Hands the halted message to the quarantine and marks it done; false if that failed (it is retried). */
  private async quarantine(work: PartitionWork, halt: Halt, failing: Failing, fields: Record<string, unknown>): Promise<boolean> {
    try {
      await this.options.quarantine(halt.message, { reason: failing.reason, kind: failing.kind, attempts: failing.attempts, error: halt.error });
    } catch (error) {
      this.logger.warn({ msg: 'could not quarantine message; will retry', ...fields, error: describeError(error) });
      return false;
    }
    this.logger.error({ msg: 'message quarantined', ...fields, error: describeError(halt.error) });
    work.entries.finish(halt.entry);
    this.failing.delete(work.id);
    await this.commit([work]);
    return true;
  }
}
