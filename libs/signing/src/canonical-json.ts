/**
 * Compact JSON with object keys sorted at every depth (arrays keep their order): the one
 * serialisation of an event that every destination and every retry signs, so a signature never
 * depends on key order or on who built the object.
 *
 * The bytes equal Python's `json.dumps(json.loads(text), separators=(",", ":"), sort_keys=True)`,
 * which seed 001's receivers compute before checking a signature:
 *  - characters outside printable ASCII are written as `\uXXXX` escapes (`ensure_ascii`);
 *  - keys are ordered by code point, as Python sorts strings;
 *  - numbers use the shortest round-trip digits, with Python's exponent form below 1e-4.
 *
 * Values JSON cannot carry faithfully are refused with a TypeError naming the path: undefined
 * (anywhere, including object members, which JSON.stringify would silently drop), functions,
 * symbols, bigints, NaN and Infinity, non-plain objects such as Map or Set, and cycles.
 * Objects with a `toJSON` method (Date) are serialised through it, like JSON.stringify.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, '$', '', new Set());
}

function serialize(value: unknown, path: string, key: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return string(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return number(value, path);
    case 'object':
      break;
    default:
      throw new TypeError(`${path}: a ${typeof value} has no JSON form`);
  }
  const object = value as object;
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((object as { toJSON(key: string): unknown }).toJSON(key), path, key, ancestors);
  }
  if (ancestors.has(object)) throw new TypeError(`${path}: circular reference`);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) return `[${object.map((item, i) => serialize(item, `${path}[${i}]`, String(i), ancestors)).join(',')}]`;
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError(`${path}: a ${prototype?.constructor?.name ?? 'non-plain object'} has no JSON form; pass a plain object`);
    }
    const record = object as Record<string, unknown>;
    const members = Object.keys(record)
      .sort(byCodePoint)
      .map((name) => `${string(name)}:${serialize(record[name], `${path}.${name}`, name, ancestors)}`);
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}

/** JSON.stringify's escapes (which match Python's), then everything from DEL upwards as \uXXXX. */
function string(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function number(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} has no JSON form`);
  // Below 1e-4 Python's repr switches to an exponent with at least two digits (1e-05), while
  // JavaScript writes 0.00001 down to 1e-6 and single-digit exponents (1e-7) below that.
  if (value !== 0 && Math.abs(value) < 1e-4) {
    const [mantissa, exponent] = value.toExponential().split('e');
    return `${mantissa}e-${exponent.slice(1).padStart(2, '0')}`;
  }
  return JSON.stringify(value);
}

/** Python's string order (by code point); JavaScript's default sort compares UTF-16 units. */
function byCodePoint(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return Number(!x.done) - Number(!y.done);
    const difference = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
}
