/** What a shortened text ends with, in every format. */
export const TRUNCATION_MARKER = '…';

/**
 * Shortens text to at most `max` UTF-16 code units (what Slack, Discord and Teams count, or
 * more than they count), ending with the marker when anything was cut. Never splits a
 * surrogate pair, so an emoji is kept or dropped whole.
 */
export function truncate(text: string, max: number, marker: string = TRUNCATION_MARKER): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max <= marker.length) return marker.slice(0, max);
  let end = max - marker.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end).trimEnd() + marker;
}

/** Bytes of a body as it goes on the wire (compact JSON, UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** A Map, not an object literal: key words such as `constructor` or `__proto__` are data, not prototype members. */
const ACRONYMS: ReadonlyMap<string, string> = new Map(Object.entries({
  api: 'API', ci: 'CI', dns: 'DNS', dr: 'DR', http: 'HTTP', id: 'ID', ids: 'IDs', ip: 'IP', sha: 'SHA', ssl: 'SSL', tls: 'TLS', url: 'URL', urls: 'URLs', uuid: 'UUID',
}));

/** The words of a key, whatever its style: `git_sha`, `gitSha`, `git-sha`, `git.sha` → ['git', 'sha']. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.\-/]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

/** `primary_url` → `Primary URL`. */
export function humanizeKey(key: string): string {
  const words = keyWords(key).map((word) => ACRONYMS.get(word) ?? word);
  if (words.length === 0) return 'Field';
  return words.map((word, i) => (i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word)).join(' ');
}

/** Levels of nesting a preview shows; deeper structure reads `{…}` / `[…]`, so any depth renders without deep recursion. */
export const MAX_PREVIEW_DEPTH = 16;

/**
 * Compact JSON of a value for people to read, like JSON.stringify, but bounded: nesting past
 * MAX_PREVIEW_DEPTH is elided and writing stops once the text is longer than `maxLength` (callers
 * truncate it). Event data may nest thousands of levels deep or hold megabytes; a preview costs
 * neither the stack nor the time of serialising all of it.
 */
export function previewJson(value: unknown, maxLength: number): string {
  const parts: string[] = [];
  let length = 0;
  const write = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  const visit = (item: unknown, depth: number): void => {
    if (item === null || typeof item !== 'object') return write(JSON.stringify(item) ?? 'null');
    const array = Array.isArray(item);
    if (depth >= MAX_PREVIEW_DEPTH) return write(array ? '[…]' : '{…}');
    write(array ? '[' : '{');
    const entries: [string, unknown][] = array ? item.map((element: unknown, i) => [String(i), element]) : Object.entries(item);
    for (const [i, [key, element]] of entries.entries()) {
      if (length > maxLength) break;
      if (i > 0) write(',');
      if (!array) write(`${JSON.stringify(key)}:`);
      visit(element, depth + 1);
    }
    write(array ? ']' : '}');
  };
  visit(value, 0);
  return parts.join('');
}
