import { hash } from 'node:crypto';
import { z } from 'zod';
import { HeraldEventSchema, type HeraldEvent } from '@herald/events';
import { Headers, type OutboundMessage } from '@herald/kafka';

export type DestinationKind = 'webhook' | 'email';

/** A message on herald.deliveries.*.v1 and herald.retry.*.v1: one event for one destination. */
export interface DeliveryJob {
  /** Stable across retries and replays: the `webhook-id` / Message-ID receivers dedupe on. */
  delivery_id: string;
  /** 1 for the first try; the retry-scheduler sends it back with the next number. */
  attempt: number;
  destination: { kind: DestinationKind; id: string };
  event: HeraldEvent;
  /**
   * Set when the job was deferred by its endpoint's rate limit: the time (ms since epoch) of the send slot it
   * holds. It goes out then without queueing for a new slot, so deferred jobs keep their turn.
   */
  slot_at?: number;
  /**
   * Set on deliveries replayed by a resume: when (ms since epoch) the webhook was resumed. A sender whose state of the
   * endpoint is older than that (an open breaker, a failure streak) starts the endpoint afresh before sending it.
   */
  resumed_at?: number;
  /**
   * Set while the job is away from its partition because its endpoint had too many deliveries queued there: its
   * place among the endpoint's deliveries that left (the sender that spilled it sends them in that order). It
   * comes back as the same attempt.
   */
  spill_seq?: number;
  /**
   * Set on deliveries a replay sends: its cap in deliveries per second. The sender spaces a destination's replayed
   * sends at least 1000 / rate ms apart, measured between the sends themselves (ReplayPacing).
   */
  replay_rate?: number;
}

export const DeliveryJobSchema = z.object({
  delivery_id: z.string().min(1),
  attempt: z.number().int().min(1),
  destination: z.object({ kind: z.enum(['webhook', 'email']), id: z.string().min(1) }),
  event: HeraldEventSchema,
  slot_at: z.number().int().nonnegative().optional(),
  resumed_at: z.number().int().nonnegative().optional(),
  spill_seq: z.number().int().positive().optional(),
  replay_rate: z.number().positive().optional(),
});

export class InvalidDeliveryJobError extends Error {
  override name = 'InvalidDeliveryJobError';
}

/**
 * Same event + same destination → same id, whichever ingest replica computes it, however often. One-shot `hash`
 * (no Hash object per id; the same digest): ingest computes one per job, 40,000 in the bench's burst.
 */
export function deliveryId(event: Pick<HeraldEvent, 'org_id' | 'id'>, destinationId: string): string {
  const digest = hash('sha256', `${event.org_id}\u0000${event.id}\u0000${destinationId}`, 'base64url');
  return `msg_${digest.slice(0, 27)}`;
}

export function parseDeliveryJob(raw: Buffer | null): DeliveryJob {
  let value: unknown;
  try {
    value = JSON.parse(raw?.toString() ?? '');
  } catch {
    throw new InvalidDeliveryJobError('delivery job is not valid JSON');
  }
  const parsed = DeliveryJobSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidDeliveryJobError(`delivery job ${issue.path.join('.')}: ${issue.message}`);
  }
  // The data as parsed, not zod's copy of it: copying assigns `__proto__` (dropping the key and
  // setting the copy's prototype to it); JSON.parse keeps it as an ordinary own key.
  return { ...parsed.data, event: { ...parsed.data.event, data: (value as { event: { data: Record<string, unknown> } }).event.data } };
}

export function serializeJob(job: DeliveryJob): string {
  return JSON.stringify(job);
}

/** A destination an event's first attempt goes to. */
export type Destination = DeliveryJob['destination'];

/** An event's first attempt for each destination. */
export function firstJobs(event: HeraldEvent, destinations: readonly Destination[]): DeliveryJob[] {
  return destinations.map(({ kind, id }) => ({ delivery_id: deliveryId(event, id), attempt: 1, destination: { kind, id }, event }));
}

/**
 * `firstJobs`, and their messages as `jobMessage` writes them (the same text), with the event's JSON written once for
 * all of them instead of once per job. An event of the bench's burst goes to 20 destinations, and writing it into each
 * job was 8 % of ingest's busy time.
 */
export function firstAttempts(event: HeraldEvent, destinations: readonly Destination[]): { jobs: DeliveryJob[]; messages: OutboundMessage[] } {
  const jobs = firstJobs(event, destinations);
  // Many events reach no one: nothing to write for them.
  if (jobs.length === 0) return { jobs, messages: [] };
  const eventJson = JSON.stringify(event);
  // JSON.stringify(job), field by field in the job's own order, around the event's JSON.
  const messages = jobs.map((job) =>
    messageOf(job, `{"delivery_id":${JSON.stringify(job.delivery_id)},"attempt":1,"destination":{"kind":${JSON.stringify(job.destination.kind)},"id":${JSON.stringify(job.destination.id)}},"event":${eventJson}}`),
  );
  return { jobs, messages };
}

/**
 * A job as a message to a deliveries, retry or dead-letter topic: keyed by its destination (one destination's jobs
 * share a partition), its ordering key in a header, so a sender places it among its partition's without parsing it.
 */
export function jobMessage(job: DeliveryJob, headers?: Record<string, string>): OutboundMessage {
  return messageOf(job, serializeJob(job), headers);
}

/** `job`'s message around its text, `value`: the key and headers are jobMessage's, in one place for firstAttempts too. */
function messageOf(job: DeliveryJob, value: string, headers?: Record<string, string>): OutboundMessage {
  return { key: job.destination.id, value, headers: { ...headers, [Headers.orderingKey]: job.event.ordering_key ?? '' } };
}
