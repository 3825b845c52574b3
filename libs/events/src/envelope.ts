import { z } from 'zod';
import { MAX_ORDERING_KEY, type EventCatalog } from './catalog';
import { newEventId } from './event-id';
import { checkEventSize, checkNesting, checkValues, decodeJsonText } from './intake-limits';
import { InvalidEventError } from './invalid-event';

const id = z.string().trim().min(1).max(128);

/**
 * `data` as sent: checked to be a JSON object but not copied, because z.record rebuilds the object
 * and drops a `__proto__` key on the way; event keys are data, whatever their name.
 */
const data = z
  .custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object')
  .meta({ type: 'object', additionalProperties: {} });

/** What producers write to `herald.events.v1` or POST to `/api/v1/events`. */
export const EventInputSchema = z.object({
  id: id.regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -').optional(),
  type: id,
  org_id: id,
  project_id: id.nullish(),
  occurred_at: z.iso.datetime({ offset: true }).optional(),
  data: data.optional(),
  /** Deliveries of one key to one webhook go out in order; other keys pass them (docs/events-and-formats.md). */
  ordering_key: z
    .string()
    .min(1)
    .max(MAX_ORDERING_KEY)
    .optional()
    .describe("Deliveries of one key to a webhook go out in order, one at a time (a retry holds back only its key); other keys pass them. Default: the type's key from its data (the deployment id for deployment events), else none"),
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
  data,
  /** The effective ordering key: the producer's, or the catalog's default for the type; absent when neither. */
  ordering_key: z.string().optional(),
});
export type HeraldEvent = z.infer<typeof HeraldEventSchema>;

/**
 * Parses raw bytes from Kafka; every failure is an InvalidEventError. Invalid UTF-8 and nesting
 * past the limit are refused before JSON.parse runs.
 */
export function parseEventJson(raw: Buffer | string | null): unknown {
  if (raw === null || raw.length === 0) throw new InvalidEventError('', 'empty message');
  const text = typeof raw === 'string' ? raw : decodeJsonText(raw);
  if (typeof raw === 'string') checkNesting(text);
  try {
    return JSON.parse(text);
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
 * Validates an input envelope against the intake limits, the schema and the catalog, assigns an
 * id when the producer gave none (`assignId`: fresh, or derived from the Kafka position) and
 * stamps created_at. Org existence is checked by the caller (it needs the database).
 */
export function acceptEvent(input: unknown, catalog: EventCatalog, now: Date = new Date(), assignId: () => string = newEventId): HeraldEvent {
  checkValues(input);
  const parsed = EventInputSchema.safeParse(input);
  if (!parsed.success) throw firstIssue(parsed.error);
  const event = parsed.data;
  if (!catalog.has(event.type)) throw new InvalidEventError('type', `unknown event type '${event.type}'`, 'unknown_type');
  const createdAt = now.toISOString();
  const accepted: HeraldEvent = {
    id: event.id ?? assignId(),
    type: event.type,
    org_id: event.org_id,
    project_id: event.project_id ?? null,
    occurred_at: event.occurred_at ?? createdAt,
    created_at: createdAt,
    data: event.data ?? {},
  };
  const orderingKey = event.ordering_key ?? catalog.defaultOrderingKey(event.type, accepted.data);
  if (orderingKey !== undefined) accepted.ordering_key = orderingKey;
  checkEventSize(JSON.stringify(accepted));
  return accepted;
}

/** The body every webhook destination receives (DESIGN.md, "Webhook wire contract"). */
export function webhookPayload(event: HeraldEvent): Pick<HeraldEvent, 'id' | 'type' | 'created_at' | 'org_id' | 'project_id' | 'data'> {
  const { id: eventId, type, created_at, org_id, project_id, data } = event;
  return { id: eventId, type, created_at, org_id, project_id, data };
}
