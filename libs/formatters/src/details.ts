import type { HeraldEvent } from '@herald/events';
import { humanizeKey, keyWords, previewJson, truncate } from './text';

/** One line of "key details": what every chat format shows as a field and email as a table row. */
export interface KeyDetail {
  /** Where it came from in `event.data`: `branch`, or `deployment.git_sha` one level down. */
  key: string;
  label: string;
  value: string;
}

export interface KeyDetailOptions {
  /** At most this many details (the most telling first). Default: all of them. */
  maxDetails?: number;
  /** Values longer than this end in the truncation marker. Default 1000. */
  maxValueLength?: number;
  /** Keys (as in KeyDetail.key) to leave out, e.g. the one shown as the summary or link button. */
  omitKeys?: readonly string[];
}

export const DEFAULT_MAX_VALUE_LENGTH = 1000;

/**
 * Fields the seeds' payloads carry, most telling first, with the label people expect. A key
 * matches at the top level or as the last part of a nested key (`deployment.git_branch`).
 */
const KNOWN_FIELDS: ReadonlyArray<readonly [key: string, label: string]> = [
  ['rule_name', 'Rule'],
  ['dr_name', 'Deployment request'],
  ['workflow', 'Workflow'],
  ['rule', 'Rule'],
  ['environment', 'Environment'],
  ['environment_name', 'Environment'],
  ['environment_names', 'Environments'],
  ['project', 'Project'],
  ['project_name', 'Project'],
  ['product', 'Product'],
  ['product_name', 'Product'],
  ['application', 'Application'],
  ['application_name', 'Application'],
  ['status', 'Status'],
  ['action_type', 'Action'],
  ['trigger_type', 'Trigger'],
  ['approval_type', 'Approval'],
  ['approver_role', 'Approver role'],
  ['slot_status', 'Slot status'],
  ['incident', 'Incident'],
  ['title', 'Title'],
  ['monitor', 'Monitor'],
  ['monitor_name', 'Monitor'],
  ['domain', 'Domain'],
  ['server', 'Server'],
  ['server_name', 'Server'],
  ['hostname', 'Host'],
  ['operation', 'Operation'],
  ['operation_name', 'Operation'],
  ['version', 'Version'],
  ['branch', 'Branch'],
  ['git_branch', 'Branch'],
  ['ref', 'Ref'],
  ['commit', 'Commit'],
  ['commit_sha', 'Commit'],
  ['git_sha', 'Commit'],
  ['sha', 'Commit'],
  ['repo_name', 'Repository'],
  ['repository', 'Repository'],
  ['actor', 'Actor'],
  ['triggered_by', 'Triggered by'],
  ['deployer', 'Deployed by'],
  ['error', 'Error'],
  ['error_message', 'Error'],
  ['reason', 'Reason'],
  ['exit_code', 'Exit code'],
  ['comments', 'Comments'],
  ['duration', 'Duration'],
  ['duration_seconds', 'Duration'],
  ['duration_ms', 'Duration'],
  ['attempts', 'Attempts'],
];
const KNOWN = new Map(KNOWN_FIELDS.map(([key, label], rank) => [key, { label, rank }]));
/** Nested `name`/`title` stand for their parent: `environment.name` is the Environment. */
const NAME_LEAVES = new Set(['name', 'title', 'display_name']);

type Scalar = string | number | boolean;
const isScalar = (value: unknown): value is Scalar => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const snake = (key: string) => keyWords(key).join('_');
const isIdKey = (leaf: string) => leaf === 'id' || leaf.endsWith('_id') || leaf === 'uuid';

/** `83` seconds → `1m 23s`; hours drop the seconds. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return String(seconds);
  if (seconds < 60) return `${Math.round(seconds * 10) / 10}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${m}m` : `${m}m ${s}s`;
}

function scalarText(leaf: string, value: Scalar): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    if (/(^|_)seconds$/.test(leaf)) return formatDuration(value);
    if (/(^|_)ms$/.test(leaf)) return formatDuration(value / 1000);
    return String(value);
  }
  return value.trim();
}

/** The text of a value, or '' when there is nothing worth showing. Deeper structure stays JSON, bounded to what is shown. */
function valueText(leaf: string, value: unknown, maxLength: number): string {
  if (value === null || value === undefined) return '';
  if (isScalar(value)) return scalarText(leaf, value);
  if (Array.isArray(value) && value.every(isScalar)) return value.map((item) => scalarText(leaf, item)).filter(Boolean).join(', ');
  if (isObject(value) && Object.keys(value).length === 0) return '';
  if (Array.isArray(value) && value.length === 0) return '';
  return previewJson(value, maxLength);
}

interface Candidate {
  key: string;
  parent: string | undefined;
  leaf: string;
  value: string;
  order: number;
}

function labelOf(candidate: Candidate): { label: string; rank: number } {
  const leaf = snake(candidate.leaf);
  const unknownRank = KNOWN_FIELDS.length + (isIdKey(leaf) ? 2 : 1);
  if (candidate.parent === undefined) return KNOWN.get(leaf) ?? { label: humanizeKey(candidate.leaf), rank: unknownRank };
  const parent = snake(candidate.parent);
  if (NAME_LEAVES.has(leaf)) return KNOWN.get(parent) ?? { label: humanizeKey(candidate.parent), rank: unknownRank };
  return KNOWN.get(leaf) ?? { label: humanizeKey(`${candidate.parent} ${candidate.leaf}`), rank: unknownRank };
}

/** Top-level fields, and fields of nested objects one level down (`deployment.git_sha`). */
function candidates(data: Record<string, unknown>, maxValueLength: number): Candidate[] {
  const found: Candidate[] = [];
  const add = (key: string, parent: string | undefined, leaf: string, raw: unknown) => {
    const value = valueText(snake(leaf), raw, maxValueLength);
    if (value) found.push({ key, parent, leaf, value, order: found.length });
  };
  for (const [key, value] of Object.entries(data)) {
    if (isObject(value)) for (const [inner, innerValue] of Object.entries(value)) add(`${key}.${inner}`, key, inner, innerValue);
    else add(key, undefined, key, value);
  }
  return found;
}

/**
 * The key details of an event, generically: known fields first in a fixed order (rule,
 * environment, project, status, branch, commit, actor, error, duration...), then the other
 * fields as they come, ids last; nested objects flattened one level, values stringified and
 * bounded. Echoes of the envelope (`event_type` equal to the type, `occurred_at` equal to its
 * time) are left out, and a label repeated with the same value shows once.
 */
export function extractKeyDetails(event: Pick<HeraldEvent, 'type' | 'occurred_at' | 'data'>, options: KeyDetailOptions = {}): KeyDetail[] {
  const maxDetails = options.maxDetails ?? Number.POSITIVE_INFINITY;
  const maxValueLength = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
  const omit = new Set(options.omitKeys ?? []);
  const echoes = new Map([
    ['event_type', event.type],
    ['event', event.type],
    ['type', event.type],
    ['occurred_at', event.occurred_at],
  ]);

  const ranked = candidates(event.data, maxValueLength)
    .filter((c) => !omit.has(c.key) && !(c.parent === undefined && echoes.get(c.key) === c.value))
    .map((c) => ({ ...c, ...labelOf(c) }))
    .sort((a, b) => a.rank - b.rank || Number(a.parent !== undefined) - Number(b.parent !== undefined) || a.order - b.order);

  const details: KeyDetail[] = [];
  const labels = new Map<string, string>();
  for (const c of ranked) {
    if (details.length >= maxDetails) break;
    const value = truncate(c.value, maxValueLength);
    let label = c.label;
    if (labels.has(label)) {
      if (labels.get(label) === value) continue;
      label = humanizeKey(c.key);
    }
    labels.set(label, value);
    details.push({ key: c.key, label, value });
  }
  return details;
}
