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
  try {
    return serialize(value, '', new Set());
  } catch (error) {
    if (error instanceof Unserialisable) throw new TypeError(`$${error.path.join('')}: ${error.reason}`);
    throw error;
  }
}

/**
 * Thrown up through the levels, each prepending its step to `path`, so that the path is built only when a value is
 * refused: this runs once per delivery, and paths built up front for every member were most of its garbage.
 */
class Unserialisable {
  readonly path: string[] = [];
  constructor(readonly reason: string) {}
}

function serialize(value: unknown, key: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return string(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return number(value);
    case 'object':
      break;
    default:
      throw new Unserialisable(`a ${typeof value} has no JSON form`);
  }
  const object = value as object;
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((object as { toJSON(key: string): unknown }).toJSON(key), key, ancestors);
  }
  if (ancestors.has(object)) throw new Unserialisable('circular reference');
  ancestors.add(object);
  const text = Array.isArray(object) ? array(object, ancestors) : record(object, ancestors);
  ancestors.delete(object);
  return text;
}

function array(items: unknown[], ancestors: Set<object>): string {
  let text = '[';
  for (let i = 0; i < items.length; i++) {
    try {
      text += (i === 0 ? '' : ',') + serialize(items[i], String(i), ancestors);
    } catch (error) {
      if (error instanceof Unserialisable) error.path.unshift(`[${i}]`);
      throw error;
    }
  }
  return `${text}]`;
}

function record(object: object, ancestors: Set<object>): string {
  const prototype = Object.getPrototypeOf(object) as { constructor?: { name?: string } } | null;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new Unserialisable(`a ${prototype?.constructor?.name ?? 'non-plain object'} has no JSON form; pass a plain object`);
  }
  const members = object as Record<string, unknown>;
  const names = Object.keys(members).sort(byCodePoint);
  let text = '{';
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    try {
      text += `${i === 0 ? '' : ','}${string(name)}:${serialize(members[name], name, ancestors)}`;
    } catch (error) {
      if (error instanceof Unserialisable) error.path.unshift(`.${name}`);
      throw error;
    }
  }
  return `${text}}`;
}

const BEYOND_ASCII = /[\u007f-\uffff]/g;

/** JSON.stringify's escapes (which match Python's), then everything from DEL upwards as \uXXXX. */
function string(text: string): string {
  return JSON.stringify(text).replace(BEYOND_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function number(value: number): string {
  if (!Number.isFinite(value)) throw new Unserialisable(`${value} has no JSON form`);
  // Below 1e-4 Python's repr switches to an exponent with at least two digits (1e-05), while
  // JavaScript writes 0.00001 down to 1e-6 and single-digit exponents (1e-7) below that.
  if (value !== 0 && Math.abs(value) < 1e-4) {
    const [mantissa, exponent] = value.toExponential().split('e');
    return `${mantissa}e-${exponent.slice(1).padStart(2, '0')}`;
  }
  return JSON.stringify(value);
}

/**
 * Python's string order (by code point). JavaScript's default sort compares UTF-16 units, which differs only where a
 * surrogate (part of a character above U+FFFF) meets a unit from U+E000 up: ranking surrogates above those fixes it,
 * without the allocation of iterating by code point.
 */
function byCodePoint(a: string, b: string): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return unitRank(x) - unitRank(y);
  }
  return a.length - b.length;
}

function unitRank(unit: number): number {
  if (unit >= 0xd800 && unit < 0xe000) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}
