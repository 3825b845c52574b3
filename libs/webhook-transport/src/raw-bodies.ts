import type { HeraldEvent } from '@herald/events';
import { formatWebhookBody } from '@herald/formatters';
import { canonicalJson } from '@herald/signing';

/**
 * Enough for the spread of events between a sender's slowest and fastest partition in a burst (with 256, one body in
 * ten was built again).
 */
const DEFAULT_MAX_ENTRIES = 1024;
/** Larger bodies are built each time, so what is kept stays under 8 Mi characters however large the events. */
const DEFAULT_MAX_BODY_LENGTH = 8 * 1024;

/** Herald's raw envelope of an event, serialised canonically: the body a raw webhook without a template is sent. */
export function rawBody(event: HeraldEvent, definition: Parameters<typeof formatWebhookBody>[2]): string {
  return canonicalJson(formatWebhookBody('raw', event, definition));
}

/**
 * The raw bodies of recent events. A raw body without a template depends on its event alone, and an event fanned out to
 * twenty webhooks reaches the sender as twenty jobs within moments: building its canonical JSON once instead of twenty
 * times was 3 % of the sender's CPU and 8 % of its allocations in a burst (docs/performance.md, "Canonical bodies
 * once per event"). An event is known by its org, id and acceptance time, which ingest never gives to two different
 * events; retries, resumes and replays carry the same event, so they send the same bytes.
 */
export class RawBodies {
  /** By event id (org and acceptance time checked on a hit), in insertion order, so the first key is the oldest. */
  private readonly bodies = new Map<string, { orgId: string; createdAt: string; body: string }>();

  constructor(
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
    private readonly maxBodyLength = DEFAULT_MAX_BODY_LENGTH,
  ) {}

  body(event: HeraldEvent, definition: Parameters<typeof formatWebhookBody>[2]): string {
    const known = this.bodies.get(event.id);
    if (known !== undefined && known.orgId === event.org_id && known.createdAt === event.created_at) return known.body;
    const body = rawBody(event, definition);
    if (body.length <= this.maxBodyLength) {
      this.bodies.delete(event.id);
      if (this.bodies.size >= this.maxEntries) this.bodies.delete(this.bodies.keys().next().value!);
      this.bodies.set(event.id, { orgId: event.org_id, createdAt: event.created_at, body });
    }
    return body;
  }
}
