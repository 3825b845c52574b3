import type { EventTypeDefinition, HeraldEvent, Severity } from '@herald/events';
import { extractKeyDetails, type KeyDetail, type KeyDetailOptions } from './details';
import { keyWords, truncate } from './text';

/** Colours by severity, the same in every format (seed 000: green success, red failure, blue info). */
export const SEVERITY_STYLES: Readonly<Record<Severity, { hex: string; rgb: number; teams: 'Good' | 'Attention' | 'Accent' }>> = {
  success: { hex: '#2ECC71', rgb: 0x2ecc71, teams: 'Good' },
  failure: { hex: '#E74C3C', rgb: 0xe74c3c, teams: 'Attention' },
  info: { hex: '#3498DB', rgb: 0x3498db, teams: 'Accent' },
};

/** Words of event types and keys as people say them. Maps, not object literals: `constructor` is a word like any other. */
const WORDS: ReadonlyMap<string, string> = new Map(Object.entries({
  deploy: 'deployment',
  dr: 'deployment request',
  op: 'operation',
  ssl: 'SSL certificate',
  dns: 'DNS',
  ip: 'IP',
  auto: 'auto-',
}));
/** Types whose words read badly on their own. */
const TITLES: ReadonlyMap<string, string> = new Map(Object.entries({
  ping: 'Test notification',
  'delivery.exhausted': 'Delivery failed after all retries',
}));

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const phrase = (words: string[]) => words.map((word) => WORDS.get(word) ?? word).join(' ').replace(/- /g, '-');

/** `deploy.failed` → `Deployment failed`, `monitoring_uptime_down` → `Uptime down`. */
export function humanizeEventType(type: string): string {
  const title = TITLES.get(type);
  if (title) return title;
  const words = keyWords(type);
  if (words[0] === 'monitoring' && words.length > 1) words.shift();
  return capitalise(phrase(words)) || type;
}

/** What the event is about: `deploy.failed` → `deployment`; undotted types name no noun. */
function typeNoun(type: string): string | undefined {
  const dot = type.indexOf('.');
  return dot > 0 ? phrase(keyWords(type.slice(0, dot))) : undefined;
}

type Data = Record<string, unknown>;
const isObject = (value: unknown): value is Data => typeof value === 'object' && value !== null && !Array.isArray(value);
/** The data's own member: `constructor` or `toString` in an event is whatever the producer sent, or nothing. */
const own = (data: Data, key: string): unknown => (Object.hasOwn(data, key) ? data[key] : undefined);

/** A readable scalar at `key`, or the name/title of an object there (one level down, however deep the data). */
function nameAt(data: Data, key: string, nested = false): string | undefined {
  const value = own(data, key);
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value.join(', ');
  if (isObject(value) && !nested) return nameAt(value, 'name', true) ?? nameAt(value, 'title', true) ?? nameAt(value, 'display_name', true);
  return undefined;
}

/** Where the subject of a title comes from when the type's own noun finds nothing. */
const SUBJECT_KEYS = [
  'rule_name', 'dr_name', 'environment', 'environment_name', 'environment_names', 'application', 'application_name',
  'product', 'product_name', 'incident', 'title', 'monitor', 'monitor_name', 'domain', 'server', 'server_name', 'hostname',
  'operation', 'operation_name', 'workflow', 'rule', 'project', 'project_name', 'repo_name', 'name',
];

/** The thing an event is about, e.g. `production` for a deployment, the rule for a rule event. */
export function eventSubject(event: Pick<HeraldEvent, 'type' | 'data'>): string | undefined {
  const data = event.data;
  const noun = event.type.split(/[._]/)[0];
  if (noun === 'version') {
    const parts = [nameAt(data, 'product_name'), nameAt(data, 'version')].filter(Boolean);
    if (parts.length > 0) return parts.join(' ');
  }
  for (const key of [noun, `${noun}_name`, `${noun}_title`, ...SUBJECT_KEYS]) {
    const name = nameAt(data, key);
    if (name) return name;
  }
  return undefined;
}

/** "Deployment failed — production": the type in words, then the subject when there is one. */
export function eventTitle(event: Pick<HeraldEvent, 'type' | 'data'>): string {
  const subject = eventSubject(event);
  const title = humanizeEventType(event.type);
  return subject ? `${title} — ${truncate(subject.replace(/\s+/g, ' '), 200)}` : title;
}

/** A message the producer wrote for people, shown as the description. */
const SUMMARY_KEYS = ['message', 'summary', 'description', 'body'];
const looksLikeHtml = (text: string) => /<\/?[a-z][a-z0-9]*(\s[^>]*)?>/i.test(text);
const stripHtml = (text: string) =>
  text
    .replace(/<(br|\/p|\/div|\/li)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

export interface EventSummary {
  key: string;
  text: string;
}

export function eventSummary(event: Pick<HeraldEvent, 'data'>, maxLength = 2000): EventSummary | undefined {
  for (const key of SUMMARY_KEYS) {
    const value = own(event.data, key);
    if (typeof value !== 'string' || !value.trim()) continue;
    const text = looksLikeHtml(value) ? stripHtml(value) : value.trim();
    if (text) return { key, text: truncate(text, maxLength) };
  }
  return undefined;
}

/** A link for the button: where the event can be seen. */
export interface EventLink {
  key: string;
  url: string;
  label: string;
}

/** Keys that hold the event's own page, best first; then any other `*_url`. */
const LINK_KEYS = [
  'url', 'link', 'html_url', 'permalink', 'web_url', 'source_url', 'details_url', 'console_url', 'dashboard_url',
  'deployment_url', 'dr_url', 'build_url', 'run_url', 'incident_url', 'monitor_url', 'logs_url', 'log_url',
  'status_page_url', 'environment_url', 'primary_url',
];
/** Link keys that say nothing about what they open: the button names the event's noun instead. */
const GENERIC_LINK_PREFIXES = new Set(['', 'html', 'permalink', 'web', 'source', 'details', 'console', 'primary', 'link']);
export const MAX_LINK_LENGTH = 2000;

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_LINK_LENGTH) return undefined;
  try {
    const url = new URL(value.trim());
    const ok = (url.protocol === 'https:' || url.protocol === 'http:') && url.href.length <= MAX_LINK_LENGTH;
    return ok ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const isUrlKey = (key: string) => /(^|_)(url|link|permalink)$/.test(keyWords(key).join('_'));

function linkLabel(type: string, key: string): string {
  const parts = key.split('.');
  const leaf = keyWords(parts[parts.length - 1]).join('_');
  const prefix = leaf.replace(/_?(url|link)$/, '');
  const noun = GENERIC_LINK_PREFIXES.has(prefix) ? (parts.length > 1 ? phrase(keyWords(parts[0])) : typeNoun(type)) : phrase(keyWords(prefix));
  return noun ? `View ${noun}` : 'View details';
}

/** The event's link: the first http(s) URL under a well-known key, top level before nested. */
export function eventLink(event: Pick<HeraldEvent, 'type' | 'data'>): EventLink | undefined {
  const top = Object.entries(event.data);
  const nested = top.flatMap(([parent, value]) => (isObject(value) ? Object.entries(value).map(([k, v]) => [`${parent}.${k}`, v, k] as const) : []));
  const levels = [top.map(([k, v]) => [k, v, k] as const), nested];
  for (const entries of levels) {
    for (const wanted of LINK_KEYS) {
      for (const [key, value, leaf] of entries) {
        const url = leaf === wanted ? httpUrl(value) : undefined;
        if (url) return { key, url, label: linkLabel(event.type, key) };
      }
    }
    for (const [key, value, leaf] of entries) {
      const url = isUrlKey(leaf) ? httpUrl(value) : undefined;
      if (url) return { key, url, label: linkLabel(event.type, key) };
    }
  }
  return undefined;
}

/** `2026-05-07T14:23:11Z`, or undefined when the text is not a date. */
export function isoSeconds(timestamp: string): string | undefined {
  const time = Date.parse(timestamp);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2026-05-07 14:23:11 UTC` for plain-text places. */
export function readableTime(timestamp: string): string {
  const iso = isoSeconds(timestamp);
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : timestamp;
}

export interface EventViewOptions extends Pick<KeyDetailOptions, 'maxValueLength'> {
  /** Who sends it, shown in footers. Default `Herald`. */
  brand?: string;
  /** Longest summary kept. Default 2000. */
  maxSummaryLength?: number;
}

/** Everything a person-facing format shows, computed once: title, colour, summary, details, link, context. */
export interface EventView {
  title: string;
  severity: Severity;
  category: string | undefined;
  summary: string | undefined;
  /** Key details without the ones shown as the summary or the link. */
  details: KeyDetail[];
  link: EventLink | undefined;
  /** When it happened, ISO 8601 to the second (UTC), or as the producer sent it if unparseable. */
  occurredAt: string;
  /** `2026-05-07 14:23:11 UTC` */
  time: string;
  orgId: string;
  projectId: string | null;
  brand: string;
}

/**
 * Unknown types (say an extension removed since) render as info. When the definition names its
 * type, an alias reads as that type (`RuleFailed` titles and links like `rule.failed`).
 */
export function describeEvent(event: HeraldEvent, definition: (Pick<EventTypeDefinition, 'severity' | 'category'> & { type?: string }) | undefined, options: EventViewOptions = {}): EventView {
  const typed = { type: definition?.type ?? event.type, data: event.data };
  const summary = eventSummary(event, options.maxSummaryLength ?? 2000);
  const link = eventLink(typed);
  const omitKeys = [summary?.key, link?.key].filter((key): key is string => key !== undefined);
  return {
    title: eventTitle(typed),
    severity: definition?.severity ?? 'info',
    category: definition?.category,
    summary: summary?.text,
    details: extractKeyDetails(event, { maxValueLength: options.maxValueLength, omitKeys }),
    link,
    occurredAt: isoSeconds(event.occurred_at) ?? event.occurred_at,
    time: readableTime(event.occurred_at),
    orgId: event.org_id,
    projectId: event.project_id,
    brand: options.brand ?? 'Herald',
  };
}
