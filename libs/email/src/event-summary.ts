import type { HeraldEvent } from '@herald/events';
import { safeHttpUrl } from './escape';

/** One row of the key-details table. Values are raw event text: escaping is the renderer's job. */
export interface EventDetail {
  label: string;
  value: string;
}

/** What a person should read first about an event, independent of how it is laid out. */
export interface EventSummary {
  /** e.g. "Deployment failed". */
  title: string;
  /** What the event is about, e.g. "my-ui · production"; null when the payload names nothing. */
  about: string | null;
  details: EventDetail[];
  /** The event's page at its source (seed 004's source_url, dr_url), http(s) only. */
  link: string | null;
}

const TITLES: Record<string, string> = { ping: 'Test notification' };
/** Words in event type names that read better spelled out. */
const WORDS: Record<string, string> = { deploy: 'deployment', dr: 'deployment request', op: 'operation', ssl: 'SSL', dns: 'DNS', ip: 'IP' };

/** The key details, in the order people scan for them; the first present key of each row wins. */
const DETAIL_ROWS: readonly { label: string; keys: readonly string[] }[] = [
  { label: 'Product', keys: ['product_name', 'application_name', 'product', 'application'] },
  { label: 'Project', keys: ['project_name'] },
  { label: 'Environment', keys: ['environment', 'environment_name', 'environment_names'] },
  { label: 'Status', keys: ['status'] },
  { label: 'Version', keys: ['version'] },
  { label: 'Actor', keys: ['actor', 'deployer', 'triggered_by'] },
  { label: 'Branch', keys: ['branch'] },
  { label: 'Commit', keys: ['commit_sha', 'commit'] },
  { label: 'Repository', keys: ['repo_name', 'repository'] },
  { label: 'Rule', keys: ['rule_name'] },
  { label: 'Action', keys: ['action_type'] },
  { label: 'Trigger', keys: ['trigger_type'] },
  { label: 'Error', keys: ['error', 'error_message'] },
];
const LINK_KEYS = ['source_url', 'dr_url', 'url', 'link', 'html_url'];
/** The thing an event is about, most specific first; the environment is added after it. */
const SUBJECT_KEYS = ['rule_name', 'dr_name', 'product_name', 'application_name', 'monitor_name', 'domain', 'name'];
const ENVIRONMENT_KEYS = ['environment', 'environment_name', 'environment_names'];

/** Other scalar fields shown after the key details, so custom event types still say something. */
const MAX_EXTRA_DETAILS = 12;
const MAX_VALUE_LENGTH = 500;

/** "deploy.failed" → "Deployment failed", "monitoring_ssl_expiring" → "Monitoring SSL expiring". */
export function eventTitle(type: string): string {
  if (TITLES[type]) return TITLES[type];
  const words = type
    .split(/[._\s-]+/)
    .filter(Boolean)
    .map((word) => WORDS[word] ?? word);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function summarizeEvent(event: HeraldEvent): EventSummary {
  const data = event.data;
  const used = new Set<string>();
  const take = (keys: readonly string[]): string | null => {
    for (const key of keys) {
      const value = displayValue(data[key]);
      if (value !== null) {
        used.add(key);
        return value;
      }
    }
    return null;
  };

  const details: EventDetail[] = [];
  for (const row of DETAIL_ROWS) {
    const value = take(row.keys) ?? (row.label === 'Project' ? event.project_id : null);
    if (value !== null) details.push({ label: row.label, value: truncate(value) });
  }
  details.push({ label: 'Time', value: formatTime(event.occurred_at) });

  let link: string | null = null;
  for (const key of LINK_KEYS) {
    link = safeHttpUrl(data[key]);
    if (link) {
      used.add(key);
      break;
    }
  }

  const extras = Object.keys(data)
    .filter((key) => !used.has(key))
    .flatMap((key) => {
      const value = displayValue(data[key]);
      return value === null ? [] : [{ label: humanize(key), value: truncate(value) }];
    });
  details.push(...extras.slice(0, MAX_EXTRA_DETAILS));

  // Each part bounded on its own, so a long product name cannot push the environment out of a subject line.
  const subject = firstValue(data, SUBJECT_KEYS);
  const environment = firstValue(data, ENVIRONMENT_KEYS);
  const about = [subject && truncate(subject, 80), environment && truncate(environment, 60)].filter((part) => part !== null).join(' · ') || null;
  return { title: eventTitle(event.type), about, details, link };
}

function firstValue(data: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = displayValue(data[key]);
    if (value !== null) return value;
  }
  return null;
}

/** Scalars and lists of scalars as text; objects, empty strings and null are not shown. */
function displayValue(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return value.join(', ');
  return null;
}

function truncate(text: string, max = MAX_VALUE_LENGTH): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function humanize(key: string): string {
  const text = key.replace(/[_.-]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "2026-05-07 14:23:11 UTC"; what the producer sent when it is not a date. */
function formatTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
