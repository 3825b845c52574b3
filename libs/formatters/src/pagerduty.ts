import type { HeraldEvent } from '@herald/events';
import { detailMap, type IncidentDefinition, type IncidentOptions } from './incident';
import { truncate } from './text';
import { eventLink, eventSubject, eventTitle, isoSeconds } from './view';

/** PagerDuty Events API v2 limits (developer.pagerduty.com, "Send an Alert Event"). */
export const PAGERDUTY_LIMITS = {
  summary: 1024,
  dedupKey: 255,
  /** Not limited by the docs; kept short because they are shown as one line. */
  source: 255,
  component: 255,
  /** The whole event must stay under 512 KB; details get a budget well inside it. */
  customDetails: 64 * 1024,
  detailValue: 1000,
} as const;

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp?: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details: Record<string, string>;
  };
  links?: { href: string; text: string }[];
  client: string;
}

/**
 * An Events API v2 event (POST to https://events.pagerduty.com/v2/enqueue): success events
 * resolve the alert their failure triggered (same dedup_key); failures trigger with severity
 * `error`, informational events with `info`. Texts are truncated to PagerDuty's limits.
 */
export function formatPagerDuty(event: HeraldEvent, definition: IncidentDefinition | undefined, { integrationKey, dedupKey }: IncidentOptions, brand = 'Herald'): PagerDutyEvent {
  const common = { routing_key: integrationKey, dedup_key: truncate(dedupKey, PAGERDUTY_LIMITS.dedupKey, ''), client: brand };
  const severity = definition?.severity ?? 'info';
  if (severity === 'success') return { ...common, event_action: 'resolve' };
  const link = eventLink(event);
  const subject = eventSubject(event);
  const timestamp = isoSeconds(event.occurred_at);
  return {
    ...common,
    event_action: 'trigger',
    payload: {
      summary: truncate(eventTitle({ type: event.type, data: event.data }), PAGERDUTY_LIMITS.summary),
      source: truncate(event.project_id ?? event.org_id, PAGERDUTY_LIMITS.source),
      severity: severity === 'failure' ? 'error' : 'info',
      ...(timestamp ? { timestamp } : {}),
      ...(subject ? { component: truncate(subject, PAGERDUTY_LIMITS.component) } : {}),
      ...(definition?.category ? { group: definition.category } : {}),
      class: definition?.type ?? event.type,
      custom_details: detailMap(event, PAGERDUTY_LIMITS.detailValue, PAGERDUTY_LIMITS.customDetails),
    },
    links: link ? [{ href: link.url, text: link.label }] : [],
  };
}
