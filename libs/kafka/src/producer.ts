import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { outgoingTraceHeaders, type TraceHeaders } from '@herald/tracing';
import { isBrokerRejection } from './failures';
import { HeraldPartitioner } from './partitioner';

export interface OutboundMessage {
  key: string | null;
  value: string | Buffer;
  headers?: IHeaders;
}

interface Queued {
  topic: string;
  messages: OutboundMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * One produce request in flight: kafkajs' idempotent producer breaks its sequence numbers when
 * requests overlap (OUT_OF_ORDER_SEQUENCE_NUMBER, retried forever). Sends that arrive meanwhile
 * wait and go out together in the next request, so throughput comes from batching instead.
 */
const MAX_IN_FLIGHT = 1;

/**
 * Requests stay well under the broker's default 1 MiB limit on one partition's record batch: a caller's
 * messages are split into parts of at most this size (a fan-out of a large event to many destinations on one
 * partition), and parts are coalesced only up to it. A single message above it travels alone; if the broker
 * refuses it (MESSAGE_TOO_LARGE), only its caller's send fails.
 */
const MAX_REQUEST_BYTES = 512 * 1024;

function bytesOf(text: string | Buffer | null | undefined): number {
  if (text === null || text === undefined) return 0;
  return typeof text === 'string' ? Buffer.byteLength(text) : text.length;
}

/** Bytes a message takes in a record batch, near enough: value, key, headers and a record's overhead. */
function messageBytes(m: OutboundMessage): number {
  let bytes = bytesOf(m.value) + bytesOf(m.key) + 64;
  for (const [name, value] of Object.entries(m.headers ?? {})) bytes += Buffer.byteLength(name) + (Array.isArray(value) ? value.reduce((n: number, v) => n + bytesOf(v), 0) : bytesOf(value));
  return bytes;
}

function withTrace(messages: OutboundMessage[], trace: TraceHeaders): OutboundMessage[] {
  return messages.map((m) => ({ ...m, headers: { ...m.headers, ...trace } }));
}

/** Consecutive runs of messages of at most `limit` bytes each (a larger message is a run of its own), in order. */
export function splitBySize<T>(messages: readonly T[], sizeOf: (m: T) => number, limit: number): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = sizeOf(m);
    if (current.length > 0 && bytes + size > limit) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/**
 * The one way Herald services write to Kafka: idempotent, acks from all in-sync replicas,
 * so a resolved send is durable and an offset may be committed behind it. Concurrent sends
 * are coalesced: sends made in one turn of the event loop (the handlers of one fetched batch)
 * leave together, and while a request is in flight new messages queue and leave together in
 * the next, so many small sends cost few round trips without waiting on a timer.
 */
export class KafkaProducer {
  private producer: Producer;
  private connected = false;
  private closed = false;
  private queue: Queued[] = [];
  private inFlight = 0;
  private pumpScheduled = false;

  constructor(private readonly kafka: Kafka) {
    this.producer = this.create();
  }

  private create(): Producer {
    // Idempotence needs unbounded retries; a send that cannot complete stalls its handler, and
    // liveness (stall timeout) reports it, rather than the message being dropped.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: HeraldPartitioner,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 30_000 },
    });
    producer.on(producer.events.CONNECT, () => (this.connected = true));
    producer.on(producer.events.DISCONNECT, () => (this.connected = false));
    return producer;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.producer.disconnect();
  }

  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(topic: string, messages: OutboundMessage[]): Promise<void> {
    return this.sendBatch([{ topic, messages }]);
  }

  /** Several topics at once, e.g. a fan-out to webhook and email deliveries. */
  sendBatch(batches: { topic: string; messages: OutboundMessage[] }[]): Promise<void> {
    const nonEmpty = batches.filter((b) => b.messages.length > 0);
    if (nonEmpty.length === 0) return Promise.resolve();
    // Sent in a trace (a hop's span, or a producer's context carried on): the messages continue it.
    const trace = outgoingTraceHeaders();
    const parts = nonEmpty.flatMap(({ topic, messages }) => splitBySize(trace ? withTrace(messages, trace) : messages, messageBytes, MAX_REQUEST_BYTES).map((part) => ({ topic, messages: part, bytes: part.reduce((n, m) => n + messageBytes(m), 0) })));
    return new Promise((resolve, reject) => {
      // One caller's batches succeed or fail together: count down their parts.
      let pending = parts.length;
      let failed = false;
      for (const { topic, messages, bytes } of parts) {
        this.queue.push({
          topic,
          messages,
          bytes,
          resolve: () => --pending === 0 && !failed && resolve(),
          reject: (error) => {
            if (!failed) reject(error);
            failed = true;
          },
        });
      }
      this.schedulePump();
    });
  }

  /**
   * After a request the broker refused in part (one partition's batch too large, the others appended), kafkajs has not
   * advanced the sequence numbers of the partitions it did append (it does so only for a request that succeeded whole),
   * and every later request to them would fail OUT_OF_ORDER_SEQUENCE_NUMBER, retried forever. A new producer gets a new
   * producer id, whose sequences start afresh. Sends queue meanwhile; an outage here waits as any send would.
   */
  private async renew(): Promise<void> {
    const stale = this.producer;
    this.producer = this.create();
    await stale.disconnect().catch(() => undefined);
    for (let delayMs = 200; !this.closed; delayMs = Math.min(delayMs * 2, 30_000)) {
      try {
        await this.producer.connect();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /** Pumps once the current turn's handlers have queued their sends too (a request each cost ~0.2 ms of broker CPU). */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      let taken = 0;
      let bytes = 0;
      while (taken < this.queue.length && (taken === 0 || bytes + this.queue[taken].bytes <= MAX_REQUEST_BYTES)) bytes += this.queue[taken++].bytes;
      const batch = this.queue.splice(0, taken);
      this.inFlight++;
      const byTopic = new Map<string, OutboundMessage[]>();
      for (const part of batch) {
        const list = byTopic.get(part.topic);
        if (list) list.push(...part.messages);
        else byTopic.set(part.topic, [...part.messages]);
      }
      this.producer
        .sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) })
        .then(
          () => batch.forEach((part) => part.resolve()),
          (error: unknown) => {
            batch.forEach((part) => part.reject(error));
            if (isBrokerRejection(error)) return this.renew();
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
