import { BUILTIN_EVENT_TYPES, EventCatalog } from './catalog';
import { acceptEvent, parseEventJson } from './envelope';
import { checkValues, decodeJsonText, INTAKE_LIMITS } from './intake-limits';
import { InvalidEventError } from './invalid-event';

const catalog = new EventCatalog(BUILTIN_EVENT_TYPES);

/** How the intake answers raw Kafka bytes: the accepted event, or the rule broken and the field named. */
function intake(raw: Buffer | string): { code?: string; field: string; message: string } | 'accepted' {
  try {
    acceptEvent(parseEventJson(typeof raw === 'string' ? Buffer.from(raw) : raw), catalog);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    return { code: error.code, field: error.field, message: error.message };
  }
}

const envelope = (data: string, extra = '') => `{"type":"deploy.failed","org_id":"org_1"${extra},"data":${data}}`;
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('intake limits', () => {
  it('accepts nesting up to the limit, the envelope counting as one level, and refuses one more before parsing', () => {
    expect(intake(envelope(`{"a":${nested(INTAKE_LIMITS.maxDepth - 2)}}`))).toBe('accepted');
    expect(intake(envelope(`{"a":${nested(INTAKE_LIMITS.maxDepth - 1)}}`))).toEqual({ code: 'too_deep', field: 'data', message: `data: is nested more than ${INTAKE_LIMITS.maxDepth} levels deep` });
    // Far past what JSON.parse or any recursive walk could take: refused by the scan, not a RangeError.
    expect(intake(envelope(`{"a":${nested(1_000_000)}}`))).toMatchObject({ code: 'too_deep', field: 'data' });
  });

  it('does not count brackets inside strings', () => {
    expect(intake(envelope(`{"a":"${'['.repeat(500)}\\"{{{"}`))).toBe('accepted');
  });

  it('refuses invalid UTF-8 bytes instead of replacing them', () => {
    const bytes = Buffer.concat([Buffer.from(envelope('{"a":"x')), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expect(intake(bytes)).toEqual({ code: 'invalid_utf8', field: '', message: 'is not valid UTF-8' });
    expect(() => decodeJsonText(Buffer.from([0xed, 0xa0, 0x80]))).toThrow('is not valid UTF-8'); // a surrogate encoded as UTF-8
    expect(decodeJsonText(Buffer.from('{"é":"💥"}'))).toBe('{"é":"💥"}');
  });

  it('refuses NUL anywhere: data values and keys, org_id, project_id', () => {
    expect(intake(envelope('{"a":{"b":"x\\u0000y"}}'))).toMatchObject({ code: 'nul_character', field: 'data.a.b' });
    expect(intake(envelope('{"a\\u0000":1}'))).toMatchObject({ code: 'nul_character', field: 'data' });
    expect(intake('{"type":"deploy.failed","org_id":"org\\u0000_1"}')).toMatchObject({ code: 'nul_character', field: 'org_id' });
    expect(intake(envelope('{}', ',"project_id":"p\\u0000"'))).toMatchObject({ code: 'nul_character', field: 'project_id' });
    expect(intake(envelope('{"list":["ok","\\u0000"]}'))).toMatchObject({ code: 'nul_character', field: 'data.list.1' });
  });

  it('refuses lone surrogates, escaped or not, and keeps pairs', () => {
    expect(intake(envelope('{"a":"\\ud800"}'))).toMatchObject({ code: 'lone_surrogate', field: 'data.a' });
    expect(intake(envelope('{"a":"x\\udc00"}'))).toMatchObject({ code: 'lone_surrogate', field: 'data.a' });
    expect(intake(envelope('{"\\udbff":1}'))).toMatchObject({ code: 'lone_surrogate', field: 'data' });
    expect(intake(envelope('{"a":"\\ud83d\\udca5 and \\u00e9"}'))).toBe('accepted');
  });

  it('refuses numbers beyond double range rather than turning them into null', () => {
    expect(intake(envelope('{"n":1e400}'))).toMatchObject({ code: 'number_out_of_range', field: 'data.n' });
    expect(intake(envelope('{"n":[-1e400]}'))).toMatchObject({ code: 'number_out_of_range', field: 'data.n.0' });
    expect(intake(envelope('{"n":1.7976931348623157e308,"tiny":1e-400}'))).toBe('accepted');
  });

  it('refuses an event larger than the limit as compact JSON, whatever the whitespace', () => {
    const text = (n: number) => envelope(`{"blob":"${'x'.repeat(n)}"}`);
    const overhead = Buffer.byteLength(JSON.stringify(acceptEvent(JSON.parse(text(0)), catalog)));
    expect(intake(text(INTAKE_LIMITS.maxEventBytes - overhead))).toBe('accepted');
    expect(intake(text(INTAKE_LIMITS.maxEventBytes - overhead + 1))).toMatchObject({ code: 'too_large', field: '' });
    // Multi-byte characters count as their UTF-8 bytes.
    expect(intake(envelope(`{"blob":"${'é'.repeat(INTAKE_LIMITS.maxEventBytes / 2)}"}`))).toMatchObject({ code: 'too_large' });
  });

  it('keeps __proto__ and constructor as ordinary data, at every depth', () => {
    const raw = envelope('{"__proto__":{"polluted":true},"constructor":{"prototype":1},"toString":"s","a":{"__proto__":[1]}}');
    const event = acceptEvent(parseEventJson(Buffer.from(raw)), catalog);
    expect(JSON.stringify(event.data)).toBe('{"__proto__":{"polluted":true},"constructor":{"prototype":1},"toString":"s","a":{"__proto__":[1]}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('checks values built in code as well as parsed ones, without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => checkValues(deep)).toThrow(/nested more than 64 levels/);
    expect(() => checkValues({ a: Number.NaN })).toThrow('a: is a number too large');
    expect(() => checkValues({ a: [true, null, 'fine', 1.5] })).not.toThrow();
  });

  it('labels every violation with a bounded category', () => {
    const result = intake(envelope('{"a":"\\u0000"}'));
    expect(result).not.toBe('accepted');
    expect(new InvalidEventError('data.a', 'x', 'nul_character').category).toBe('nul_character');
  });
});
