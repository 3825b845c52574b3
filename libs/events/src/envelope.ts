import { z } from 'zod';
import { ulid } from 'ulid';
import type { EventCatalog } from './catalog';

const id = z.string().trim().min(1).max(128);

/** What producers write to `herald.events.v1` or POST to `/api/v1/events`. */
export const EventInputSchema = z.object({
  id: id.regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -').optional(),
  type: id,
  org_id: id,
  project_id: id.nullish(),
  occurred_at: z.iso.datetime({ offset: true }).optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type EventInput = z.input<typeof EventInputSchema>;

/** An event ingest has accepted: the body of `herald.events.accepted.v1`. */
export const HeraldEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  org_id: z.string().min(1),
  project_id: z.string().nullable(),
  occurred_at: z.string(),
  created_at: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type HeraldEvent = z.infer<typeof HeraldEventSchema>;

/** Bad input, naming the field at fault; mapped to a DLQ reason or an RFC 9457 problem. */
export class InvalidEventError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
    private readonly code?: 'unknown_type' | 'unknown_org',
  ) {
    super(field ? `${field}: ${reason}` : reason);
    this.name = 'InvalidEventError';
  }

  /** Which rule the event broke, from a bounded set (a metric label): malformed, unknown_type, unknown_org, invalid_<field>. */
  get category(): string {
    if (this.code) return this.code;
    if (!this.field) return 'malformed';
    const top = this.field.split('.')[0];
    return top in EventInputSchema.shape ? `invalid_${top}` : 'invalid';
  }
}

export function newEventId(): string {
  return `evt_${ulid()}`;
}

/** Parses raw bytes from Kafka; every failure is an InvalidEventError. */
export function parseEventJson(raw: Buffer | string | null): unknown {
  if (raw === null || raw.length === 0) throw new InvalidEventError('', 'empty message');
  try {
    return JSON.parse(raw.toString());
  } catch {
    throw new InvalidEventError('', 'not valid JSON');
  }
}

function firstIssue(error: z.ZodError): InvalidEventError {
  const issue = error.issues[0];
  return new InvalidEventError(issue.path.join('.'), issue.message);
}

/** Reads an event from herald.events.accepted.v1 (or a delivery job), checking its shape. */
export function parseAcceptedEvent(raw: Buffer | string | null): HeraldEvent {
  const parsed = HeraldEventSchema.safeParse(parseEventJson(raw));
  if (!parsed.success) throw firstIssue(parsed.error);
  return parsed.data;
}

/**
 * Validates an input envelope against the schema and the catalog, assigns an id when the
 * producer gave none and stamps created_at. Org existence is checked by the caller (it needs
 * the database).
 */
export function acceptEvent(input: unknown, catalog: EventCatalog, now: Date = new Date()): HeraldEvent {
  const parsed = EventInputSchema.safeParse(input);
  if (!parsed.success) throw firstIssue(parsed.error);
  const event = parsed.data;
  if (!catalog.has(event.type)) throw new InvalidEventError('type', `unknown event type '${event.type}'`, 'unknown_type');
  const createdAt = now.toISOString();
  return {
    id: event.id ?? newEventId(),
    type: event.type,
    org_id: event.org_id,
    project_id: event.project_id ?? null,
    occurred_at: event.occurred_at ?? createdAt,
    created_at: createdAt,
    data: event.data,
  };
}

/** The body every webhook destination receives (DESIGN.md, "Webhook wire contract"). */
export function webhookPayload(event: HeraldEvent): Pick<HeraldEvent, 'id' | 'type' | 'created_at' | 'org_id' | 'project_id' | 'data'> {
  const { id: eventId, type, created_at, org_id, project_id, data } = event;
  return { id: eventId, type, created_at, org_id, project_id, data };
}
