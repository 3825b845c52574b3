import type { EventTypeDefinition, HeraldEvent } from '@herald/events';
import { extractKeyDetails } from './details';
import { truncate } from './text';
import { eventSubject } from './view';

/** What the incident formats need beyond the event: the service's key and the alert's dedup key. */
export interface IncidentOptions {
  /** PagerDuty routing key or Opsgenie API key. */
  integrationKey: string;
  /** Ties a success event to the failure it resolves; defaultDedupKey unless the webhook sets its own. */
  dedupKey: string;
}

export type IncidentDefinition = Pick<EventTypeDefinition, 'severity' | 'category'> & { type?: string };

/** Keys that name the thing an alert is about, after the type's own noun (`deployment.id`, `deployment_id`). */
const ID_KEYS = ['deployment_id', 'incident_id', 'monitor_id', 'dr_id', 'version_id', 'build_id', 'rule_id', 'workflow_id', 'operation_id', 'environment_id', 'server_id', 'domain', 'id'];
/** Type nouns whose data names the thing differently (`deploy.failed` carries a `deployment`). */
const NOUN_SYNONYMS: Readonly<Record<string, string>> = { deploy: 'deployment', dr: 'dr', scheduled: 'operation', monitoring: 'monitor', automation: 'rule' };

const scalar = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : undefined);
const idIn = (value: unknown): string | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? scalar((value as Record<string, unknown>).id) : undefined);

/**
 * The dedup key an alert gets when the webhook sets none: the event's category and the id of its
 * subject, so `deployment.failed` and `deployment.succeeded` of one deployment share it (seed
 * 002's `oecsh-deploy-{deployment id}`). Looks for the type's noun (`deployment.id`,
 * `deployment_id`), then common id keys, then the subject's name, then the event id (which ties
 * nothing together, but never merges unrelated alerts).
 */
export function defaultDedupKey(event: Pick<HeraldEvent, 'id' | 'type' | 'data'>, definition: IncidentDefinition | undefined): string {
  const type = definition?.type ?? event.type;
  const noun = type.split(/[._]/)[0];
  const nouns = [noun, NOUN_SYNONYMS[noun]].filter((n): n is string => Boolean(n));
  const data = event.data;
  const subject =
    nouns.map((n) => idIn(data[n]) ?? scalar(data[`${n}_id`])).find(Boolean) ??
    ID_KEYS.map((key) => scalar(data[key])).find(Boolean) ??
    Object.values(data).map(idIn).find(Boolean) ??
    eventSubject({ type, data }) ??
    event.id;
  return truncate(`${definition?.category ?? noun}:${subject}`, 255, '');
}

/**
 * The event's key details as a flat string map within a character budget (keys and values
 * counted), dropping the fields that do not fit whole; value lengths are capped first.
 */
export function detailMap(event: HeraldEvent, maxValueLength: number, budget: number): Record<string, string> {
  const map: Record<string, string> = {};
  let used = 0;
  for (const detail of [...extractKeyDetails(event, { maxValueLength }), { key: 'event_id', label: 'Event ID', value: event.id }, { key: 'event_type', label: 'Event type', value: event.type }]) {
    const cost = detail.key.length + detail.value.length;
    if (used + cost > budget || Object.hasOwn(map, detail.key)) continue;
    map[detail.key] = detail.value;
    used += cost;
  }
  return map;
}
