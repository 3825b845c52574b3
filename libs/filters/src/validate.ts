import { COMPARISONS, ENVELOPE_FIELDS, FILTER_LIMITS, isScalar, LOGICAL_OPERATORS } from './filter';

/** One thing wrong with a filter: where inside it (keys and list indexes), the operator at fault if one is, and why. */
export interface FilterIssue {
  path: (string | number)[];
  operator: string | null;
  message: string;
}

type Path = FilterIssue['path'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const OPERATOR_NAMES = [...COMPARISONS.keys(), ...LOGICAL_OPERATORS].join(', ');
/** The envelope fields that hold a scalar: conditions on their own fields cannot hold. */
const SCALAR_FIELDS = new Set(['type', 'project_id']);

/** `data.environment.$in[2]`-style text for a path inside a filter; `(filter)` for the filter itself. */
export function filterPathText(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '') || '(filter)';
}

class Checker {
  readonly issues: FilterIssue[] = [];
  private conditions = 0;

  issue(path: Path, operator: string | null, message: string): void {
    this.issues.push({ path, operator, message });
  }

  /** Counts keys and list items; false (once reported) when the filter has more than the limit. */
  private count(n: number, path: Path): boolean {
    this.conditions += n;
    if (this.conditions <= FILTER_LIMITS.conditions) return true;
    if (this.conditions - n <= FILTER_LIMITS.conditions) this.issue(path, null, `the filter has more than ${FILTER_LIMITS.conditions} conditions (keys and list items)`);
    return false;
  }

  private deep(path: Path, depth: number, operator: string | null): boolean {
    if (depth <= FILTER_LIMITS.depth) return false;
    this.issue(path, operator, `nested more than ${FILTER_LIMITS.depth} levels deep`);
    return true;
  }

  conditionsObject(value: unknown, path: Path, depth: number, top: boolean, operator: string | null): void {
    if (!isObject(value)) return this.issue(path, operator, 'must be an object of conditions');
    if (this.deep(path, depth, operator)) return;
    const keys = Object.keys(value);
    if (keys.length === 0) return this.issue(path, operator, top && path.length === 0 ? 'has no conditions; use null for no filter' : 'has no conditions');
    if (!this.count(keys.length, path)) return;
    for (const key of keys) {
      const at = [...path, key];
      const spec = value[key];
      if (key === '$and' || key === '$or') {
        if (!Array.isArray(spec) || spec.length === 0) {
          this.issue(at, key, `${key} takes a non-empty list of conditions objects`);
          continue;
        }
        if (!this.count(spec.length, at)) return;
        spec.forEach((item, index) => this.conditionsObject(item, [...at, index], depth + 1, top, key));
      } else if (key === '$not') {
        this.conditionsObject(spec, at, depth + 1, top, key);
      } else if (COMPARISONS.has(key)) {
        this.issue(at, key, `${key} compares a field: write {"<field>": {"${key}": …}}`);
      } else if (key.startsWith('$')) {
        this.issue(at, key, `unknown operator ${key}; operators are ${OPERATOR_NAMES}`);
      } else if (top && !ENVELOPE_FIELDS.has(key)) {
        this.issue(at, null, `unknown field '${key}'; a filter reads ${[...ENVELOPE_FIELDS].join(', ')}`);
      } else {
        this.fieldSpec(spec, at, depth + 1, top && SCALAR_FIELDS.has(key));
      }
    }
  }

  private fieldSpec(spec: unknown, path: Path, depth: number, scalarField: boolean): void {
    if (isScalar(spec)) return;
    if (Array.isArray(spec)) return this.issue(path, null, 'a list is not a value to compare with; use {"$in": [...]}');
    if (!isObject(spec)) return this.issue(path, null, 'must be a JSON value or an object');
    const keys = Object.keys(spec);
    const operators = keys.filter((key) => COMPARISONS.has(key));
    if (operators.length === 0) {
      if (scalarField) return this.issue(path, null, `${String(path[path.length - 1])} holds one value, not fields: compare it with a value or operators (${[...COMPARISONS.keys()].join(', ')})`);
      return this.conditionsObject(spec, path, depth, false, null);
    }
    if (this.deep(path, depth, operators[0])) return;
    if (operators.length < keys.length) {
      const other = keys.find((key) => !COMPARISONS.has(key))!;
      return this.issue([...path, other], operators[0], `comparison operators (${operators.join(', ')}) cannot sit beside '${other}': put field conditions one level down, or group with $and / $or`);
    }
    if (!this.count(keys.length, path)) return;
    for (const operator of operators) {
      const operand = spec[operator];
      const comparison = COMPARISONS.get(operator)!;
      if (!comparison.accepts(operand)) this.issue([...path, operator], operator, `${operator} takes ${comparison.expected}`);
      else if (Array.isArray(operand) && !this.count(operand.length, [...path, operator])) return;
    }
  }
}

/**
 * Everything wrong with a filter as a client sent it (empty: it may be saved). Each issue names the path inside
 * the filter and the operator at fault. The walk stops at the depth and size limits, so any input is cheap to check.
 */
export function validateFilter(filter: unknown): FilterIssue[] {
  const checker = new Checker();
  checker.conditionsObject(filter, [], 1, true, null);
  if (checker.issues.length > 0) return checker.issues;
  // Only a filter within the depth limit gets here, so serialising it cannot recurse deep.
  const bytes = Buffer.byteLength(JSON.stringify(filter));
  if (bytes > FILTER_LIMITS.bytes) checker.issue([], null, `the filter is ${bytes} bytes as JSON, more than ${FILTER_LIMITS.bytes}`);
  return checker.issues;
}
