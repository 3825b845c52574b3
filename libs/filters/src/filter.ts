/**
 * A destination's content filter: a JSON object of conditions on the event envelope (docs/filters.md).
 *
 *   {"type": "deployment.failed", "data": {"environment": {"name": "production"}}}
 *   {"data": {"severity": {"$in": ["error", "critical"]}}, "$not": {"project_id": "prj_sandbox"}}
 *
 * Every key of a conditions object must hold (and). A field key names a field of the subject (at the top: `type`,
 * `project_id` or `data`); its value is a JSON scalar (equals), an object of comparison operators (all must hold),
 * or an object of conditions on the field's own fields (a path into `data`). `$and` / `$or` take a list of
 * conditions objects, `$not` one, all on the same subject.
 */
export type Filter = { readonly [key: string]: unknown };

/** What a filter can read of an event: a HeraldEvent fits. */
export interface FilterableEvent {
  readonly type: string;
  readonly project_id: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Bounds a saved filter must keep, so that evaluating one costs little and never recurses deep. */
export const FILTER_LIMITS = {
  /** Objects nested inside each other, the filter itself being 1. */
  depth: 10,
  /** Keys and list items, all levels together. */
  conditions: 200,
  /** The filter as compact JSON text. */
  bytes: 8192,
  /** Values in one `$in` / `$nin` list. */
  listItems: 100,
} as const;

/** The envelope fields a filter may name at its top level. */
export const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(['type', 'project_id', 'data']);

/** A path that leads nowhere: not there, or under something that is not an object. */
const MISSING = Symbol('missing');
type Actual = unknown;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Same JSON type and value; objects and lists are never equal to an operand (operands are scalars). */
const same = (actual: Actual, operand: unknown) => actual === operand;
/** Ordering is defined between two numbers or two strings (by UTF-16 code units, so ISO 8601 times order as times). */
const ordered = (actual: Actual, operand: unknown): actual is number | string => (typeof actual === 'number' || typeof actual === 'string') && typeof actual === typeof operand;

export const isScalar = (value: unknown) => value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const scalarList = (value: unknown) => Array.isArray(value) && value.length > 0 && value.length <= FILTER_LIMITS.listItems && value.every(isScalar);
const orderable = (value: unknown) => typeof value === 'number' || typeof value === 'string';
const nonEmptyString = (value: unknown) => typeof value === 'string' && value.length > 0;

/** A comparison operator: the operands it takes (checked when a filter is saved, and when it is compiled) and its test. */
export interface Comparison {
  accepts(operand: unknown): boolean;
  /** What `accepts` wants, for the validation message. */
  expected: string;
  /** `actual`: the field's value, or MISSING. */
  test(actual: Actual, operand: unknown): boolean;
}

const SCALAR = 'a string, number, boolean or null';
const LIST = `a list of 1 to ${FILTER_LIMITS.listItems} strings, numbers, booleans or nulls`;

/**
 * Comparison operators. Missing paths and type mismatches are answers, not errors: only `$neq`, `$nin` and
 * `$exists: false` hold for a missing field, and a comparison between different types is false (its `$neq` / `$nin`
 * true).
 */
export const COMPARISONS: ReadonlyMap<string, Comparison> = new Map<string, Comparison>([
  ['$eq', { accepts: isScalar, expected: SCALAR, test: (actual, operand) => same(actual, operand) }],
  ['$neq', { accepts: isScalar, expected: SCALAR, test: (actual, operand) => !same(actual, operand) }],
  ['$in', { accepts: scalarList, expected: LIST, test: (actual, operand) => (operand as unknown[]).includes(actual) }],
  ['$nin', { accepts: scalarList, expected: LIST, test: (actual, operand) => !(operand as unknown[]).includes(actual) }],
  ['$gt', { accepts: orderable, expected: 'a number or a string', test: (actual, operand) => ordered(actual, operand) && actual > (operand as typeof actual) }],
  ['$gte', { accepts: orderable, expected: 'a number or a string', test: (actual, operand) => ordered(actual, operand) && actual >= (operand as typeof actual) }],
  ['$lt', { accepts: orderable, expected: 'a number or a string', test: (actual, operand) => ordered(actual, operand) && actual < (operand as typeof actual) }],
  ['$lte', { accepts: orderable, expected: 'a number or a string', test: (actual, operand) => ordered(actual, operand) && actual <= (operand as typeof actual) }],
  ['$exists', { accepts: (operand) => typeof operand === 'boolean', expected: 'true or false', test: (actual, operand) => (actual !== MISSING) === operand }],
  ['$startsWith', { accepts: nonEmptyString, expected: 'a non-empty string', test: (actual, operand) => typeof actual === 'string' && actual.startsWith(operand as string) }],
  ['$endsWith', { accepts: nonEmptyString, expected: 'a non-empty string', test: (actual, operand) => typeof actual === 'string' && actual.endsWith(operand as string) }],
]);

export const LOGICAL_OPERATORS: ReadonlySet<string> = new Set(['$and', '$or', '$not']);

/** The field's own value (never one inherited from Object.prototype), or MISSING. */
function field(subject: Actual, key: string): Actual {
  return isObject(subject) && Object.hasOwn(subject, key) ? subject[key] : MISSING;
}

type Predicate = (subject: Actual) => boolean;
const NEVER: Predicate = () => false;
const ALWAYS: Predicate = () => true;

/** Each filter object is compiled once into closures, then reused while the object lives (ingest's subscription cache holds it). */
const compiled = new WeakMap<object, Predicate>();

/**
 * Whether the event passes the filter; no filter passes everything. Pure and total: it never throws, whatever it is
 * given. For a filter validateFilter accepted the answer is the documented one; for anything else it is false.
 * A filter object is read once, the first time it is used, and must not be changed afterwards.
 */
export function matchesFilter(filter: Filter | null | undefined, event: FilterableEvent): boolean {
  if (filter === null || filter === undefined) return true;
  if (typeof filter !== 'object') return false;
  let predicate = compiled.get(filter);
  if (!predicate) {
    predicate = conditionsPredicate(filter, 1, true);
    compiled.set(filter, predicate);
  }
  return predicate(event);
}

const all = (predicates: Predicate[]): Predicate =>
  predicates.length === 1
    ? predicates[0]
    : (subject) => {
        for (const predicate of predicates) if (!predicate(subject)) return false;
        return true;
      };

/** Every key of `conditions` holds for the subject; `top`: the subject is the envelope, of which only a few fields are visible. */
function conditionsPredicate(conditions: unknown, depth: number, top: boolean): Predicate {
  if (!isObject(conditions) || depth > FILTER_LIMITS.depth) return NEVER;
  const parts: Predicate[] = [];
  for (const key of Object.keys(conditions)) {
    const spec = conditions[key];
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(spec)) return NEVER;
      const items = spec.map((item) => conditionsPredicate(item, depth + 1, top));
      parts.push(key === '$and' ? all(items) : (subject) => items.some((item) => item(subject)));
    } else if (key === '$not') {
      if (!isObject(spec)) return NEVER;
      const negated = conditionsPredicate(spec, depth + 1, top);
      parts.push((subject) => !negated(subject));
    } else {
      if (key.startsWith('$') || (top && !ENVELOPE_FIELDS.has(key))) return NEVER;
      const holds = valuePredicate(spec, depth + 1);
      parts.push((subject) => holds(field(subject, key)));
    }
  }
  return parts.length === 0 ? ALWAYS : all(parts);
}

/** A field's spec: a scalar to equal, an object of comparison operators, or conditions on the field's own fields. */
function valuePredicate(spec: unknown, depth: number): Predicate {
  if (typeof spec !== 'object' || spec === null) return (actual) => same(actual, spec);
  if (Array.isArray(spec) || depth > FILTER_LIMITS.depth) return NEVER;
  const keys = Object.keys(spec);
  if (keys.length === 0 || !COMPARISONS.has(keys[0])) return conditionsPredicate(spec, depth, false);
  const comparisons: Predicate[] = [];
  for (const key of keys) {
    const comparison = COMPARISONS.get(key);
    const operand = (spec as Record<string, unknown>)[key];
    if (!comparison?.accepts(operand)) return NEVER;
    const { test } = comparison;
    comparisons.push((actual) => test(actual, operand));
  }
  return all(comparisons);
}
