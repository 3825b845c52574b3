import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { canonicalJson } from './canonical-json';

/** Python's json.dumps(json.loads(text), separators=(",", ":"), sort_keys=True) of each text. */
function pythonJson(texts: string[]): string[] {
  const output = execFileSync('python3', [path.join(__dirname, '..', 'test', 'python_json.py')], { input: texts.join('\n'), timeout: 10_000 });
  return output.toString('utf8').split('\n').slice(0, texts.length);
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, writes compact JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }, 'x'], c: null }, e: [] })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1},"x"]},"b":1,"e":[]}');
    expect(canonicalJson([{ b: true, a: false }, 'two', 3.5, null])).toBe('[{"a":false,"b":true},"two",3.5,null]');
    expect(canonicalJson('plain')).toBe('"plain"');
    expect(canonicalJson({})).toBe('{}');
  });

  it('gives the same bytes whatever order the keys were inserted in, and round-trips', () => {
    const a = { type: 'deploy.failed', data: { env: { name: 'prod', url: 'https://x' }, tags: ['b', 'a'] }, id: 'evt_1' };
    const b = { id: 'evt_1', data: { tags: ['b', 'a'], env: { url: 'https://x', name: 'prod' } }, type: 'deploy.failed' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(JSON.parse(canonicalJson(a)))).toBe(canonicalJson(a));
    expect(JSON.parse(canonicalJson(a))).toEqual(a);
  });

  it('escapes everything outside printable ASCII, as Python does', () => {
    const text = canonicalJson({ note: 'é ✓ 😀', ctl: '\u0000\u0007\t\n\u007f', quote: '"\\/' });
    expect(text).toBe('{"ctl":"\\u0000\\u0007\\t\\n\\u007f","note":"\\u00e9 \\u2713 \\ud83d\\ude00","quote":"\\"\\\\/"}');
    expect(JSON.parse(text)).toEqual({ note: 'é ✓ 😀', ctl: '\u0000\u0007\t\n\u007f', quote: '"\\/' });
    expect(/^[ -~]*$/.test(text)).toBe(true);
  });

  it('orders keys by code point, not by UTF-16 unit', () => {
    // U+FF21 sorts before U+1F600 by code point; its UTF-16 unit 0xFF21 sorts after the surrogate 0xD83D.
    expect(canonicalJson({ '😀': 1, 'Ａ': 2, a: 3 })).toBe('{"a":3,"\\uff21":2,"\\ud83d\\ude00":1}');
    // Both above U+FFFF (low surrogates decide), a prefix before its extension, and U+E000 against U+D7FF.
    expect(canonicalJson({ '😁': 1, '😀x': 2, '😀': 3, '\ue000': 4, '\ud7ff': 5 })).toBe('{"\\ud7ff":5,"\\ue000":4,"\\ud83d\\ude00":3,"\\ud83d\\ude00x":2,"\\ud83d\\ude01":1}');
  });

  it('writes numbers as Python would, small exponents included', () => {
    expect(canonicalJson([0, -0, 1, -1.5, 0.1, 0.0001, 0.00001, -0.000012345, 1e-7, 5e-324, 2432232314, 1e21, 1.5e300])).toBe(
      '[0,0,1,-1.5,0.1,0.0001,1e-05,-1.2345e-05,1e-07,5e-324,2432232314,1e+21,1.5e+300]',
    );
  });

  it('is byte-identical to Python’s sorted re-serialisation (what seed 001’s receivers sign)', () => {
    const cases: unknown[] = [
      { b: 1, a: [3, 2, 1], c: { z: null, y: true, x: false } },
      { note: 'déploiement échoué ✓ 🚀 \u2028 \u007f \u001f', '😀': 1, 'Ａ': 2, '': 'empty key', 'a"b': 'quote in key' },
      { numbers: [0, -0, 0.1, 1 / 3, 0.0001, 0.000099, 1e-5, 1.5e-7, 5e-324, 123456789.125, 2 ** 53, 1e16, 1e21, 1.7976931348623157e308, -2.5e-10] },
      { nested: { deep: [{ k2: [{ b: 1, a: 2 }] }, [], {}] } },
    ];
    const texts = cases.map(canonicalJson);
    expect(pythonJson(texts)).toEqual(texts);
  });

  it('serialises Dates through toJSON, like JSON.stringify', () => {
    expect(canonicalJson({ at: new Date('2026-05-07T14:23:11Z') })).toBe('{"at":"2026-05-07T14:23:11.000Z"}');
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { b: 2, a: 1 };
    expect(canonicalJson({ x: shared, y: [shared] })).toBe('{"x":{"a":1,"b":2},"y":[{"a":1,"b":2}]}');
  });

  it('refuses values JSON cannot carry, naming where they are', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const cases: [unknown, RegExp][] = [
      [undefined, /^\$: a undefined/],
      [{ data: { gone: undefined } }, /^\$\.data\.gone: a undefined/],
      [[1, undefined], /^\$\[1\]: a undefined/],
      [{ f: () => 1 }, /^\$\.f: a function/],
      [{ s: Symbol('s') }, /^\$\.s: a symbol/],
      [{ big: BigInt(1) }, /^\$\.big: a bigint/],
      [{ n: Number.NaN }, /^\$\.n: NaN/],
      [{ n: Number.POSITIVE_INFINITY }, /^\$\.n: Infinity/],
      [{ m: new Map([['a', 1]]) }, /^\$\.m: a Map/],
      [{ s: new Set([1]) }, /^\$\.s: a Set/],
      [{ c: new (class Thing {})() }, /^\$\.c: a Thing/],
      [cycle, /^\$\.self: circular reference/],
    ];
    for (const [value, message] of cases) expect(() => canonicalJson(value)).toThrow(message);
    expect(() => canonicalJson({ big: BigInt(1) })).toThrow(TypeError);
  });
});
