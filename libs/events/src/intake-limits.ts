import { InvalidEventError, type IntakeViolation } from './invalid-event';

/**
 * What an event may hold, checked the same way for Kafka and REST, before anything recursive
 * (JSON.parse, zod, canonical JSON, PostgreSQL's jsonb) sees it. docs/events-and-formats.md
 * explains the numbers.
 */
export const INTAKE_LIMITS = {
  /**
   * The accepted event as compact JSON. A delivery job carries the event plus ~150 bytes, so
   * every job stays far below the broker's 1 MiB message limit (max.message.bytes).
   */
  maxEventBytes: 256 * 1024,
  /** Objects and arrays inside one another, the envelope counting as 1. */
  maxDepth: 64,
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Raw JSON bytes (a Kafka value, a request body) to text, refusing invalid UTF-8 rather than
 * replacing it with U+FFFD, and nesting past the limit before JSON.parse sees it.
 */
export function decodeJsonText(raw: Buffer): string {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new InvalidEventError('', 'is not valid UTF-8', 'invalid_utf8');
  }
  checkNesting(text);
  return text;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPENERS = new Set([0x7b, 0x5b]); // { [
const CLOSERS = new Set([0x7d, 0x5d]); // } ]

/**
 * Refuses JSON text nested deeper than `maxDepth`, scanning it once without recursion, so that
 * nothing downstream needs to recurse deeper. Strings are skipped (brackets inside them do not
 * count). The field named is the top-level member the deep value sits in. Text that is not JSON
 * passes: JSON.parse answers for it.
 */
export function checkNesting(text: string, maxDepth: number = INTAKE_LIMITS.maxDepth): void {
  let depth = 0;
  let lastString = '';
  let member = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      for (i = start; i < text.length && text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
      if (depth === 1) lastString = text.slice(start, i);
    } else if (c === COLON && depth === 1) {
      member = lastString;
    } else if (OPENERS.has(c)) {
      if (++depth > maxDepth) throw new InvalidEventError(depth > 1 ? member : '', `is nested more than ${maxDepth} levels deep`, 'too_deep');
    } else if (CLOSERS.has(c)) {
      depth--;
    }
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL (text, jsonb) or a receiver could not take this string as it is, if it cannot. */
function stringFault(text: string): [IntakeViolation, string] | null {
  if (text.includes('\u0000')) return ['nul_character', 'contains a NUL character (U+0000)'];
  if (LONE_SURROGATE.test(text)) return ['lone_surrogate', 'contains a lone UTF-16 surrogate (not valid Unicode)'];
  return null;
}

const pathOf = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

/**
 * Walks a parsed JSON value without recursion and refuses what cannot be stored or delivered
 * exactly as sent: nesting past `maxDepth` (for values that did not come through checkNesting),
 * NUL characters and lone surrogates in any key or string, and numbers JSON.parse turned into
 * ±Infinity (`1e400`), which JSON.stringify would silently write as null.
 */
export function checkValues(value: unknown, maxDepth: number = INTAKE_LIMITS.maxDepth): void {
  const pending: [item: unknown, path: string, depth: number][] = [[value, '', 0]];
  while (pending.length > 0) {
    const [item, path, depth] = pending.pop()!;
    if (typeof item === 'string') {
      const fault = stringFault(item);
      if (fault) throw new InvalidEventError(path, fault[1], fault[0]);
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw new InvalidEventError(path, 'is a number too large to represent (beyond ±1.8e308)', 'number_out_of_range');
    } else if (typeof item === 'object' && item !== null) {
      if (depth + 1 > maxDepth) throw new InvalidEventError(path.split('.')[0], `is nested more than ${maxDepth} levels deep`, 'too_deep');
      if (Array.isArray(item)) {
        item.forEach((element, index) => pending.push([element, pathOf(path, String(index)), depth + 1]));
        continue;
      }
      for (const key of Object.keys(item)) {
        const fault = stringFault(key);
        if (fault) throw new InvalidEventError(path, `has a key that ${fault[1]}`, fault[0]);
        pending.push([(item as Record<string, unknown>)[key], pathOf(path, key), depth + 1]);
      }
    }
  }
}

/** The accepted event's size as its delivery jobs will carry it. */
export function checkEventSize(serialized: string, maxBytes: number = INTAKE_LIMITS.maxEventBytes): void {
  const bytes = Buffer.byteLength(serialized);
  if (bytes > maxBytes) throw new InvalidEventError('', `the event is ${bytes} bytes as JSON; at most ${maxBytes} are accepted`, 'too_large');
}
