/**
 * PostgreSQL array literals for `unnest` parameters on the hot path, built in one `join` per column. pg builds the same
 * literal element by element (a regex escape per element, a string concatenation per step, and a local-time string
 * per Date through its date formatter): for the delivery log that was a tenth of the webhook-sender's allocations in a
 * burst (docs/performance.md, "Four cuts in the sender's hot path"). Instants go as epoch milliseconds, turned into
 * timestamps by the statement (`to_timestamp(ms / 1000)`): a number is cheaper to write than an ISO string. Every
 * text element is quoted, so any string (empty, `NULL`, braces, commas, spaces) reads back as itself; only `"` and `\`
 * need escaping inside quotes.
 */

const NEEDS_ESCAPE = /["\\]/;

function quoted(value: string): string {
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : `"${value}"`;
}

/** For a `text[]` parameter; null elements are SQL NULL. */
export function textArray(values: readonly (string | null)[]): string {
  return `{${values.map((value) => (value === null ? 'NULL' : quoted(value))).join(',')}}`;
}

/** For an `int[]` or `float8[]` parameter; null elements are SQL NULL. */
export function numberArray(values: readonly (number | null)[]): string {
  return `{${values.map((value) => (value === null ? 'NULL' : String(value))).join(',')}}`;
}

/** For a `bool[]` parameter. */
export function boolArray(values: readonly boolean[]): string {
  return `{${values.map((value) => (value ? 't' : 'f')).join(',')}}`;
}
