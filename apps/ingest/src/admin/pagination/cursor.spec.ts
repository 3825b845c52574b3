import { z } from 'zod';
import { decodeCursor, decodePageKey, encodeCursor, listResponse, namePageQuery, pageQuery } from './cursor';

describe('list cursors', () => {
  const key = { at: '2026-11-23T03:08:39.123456Z', id: 'wh_01' };
  const keyCursor = encodeCursor([key.at, key.id]);

  it('round-trips the page key without losing microseconds', () => {
    expect(keyCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageKey(keyCursor)).toEqual(key);
  });

  it('rejects anything it did not issue', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    for (const bad of ['', 'not base64!', b64('{"a":1}'), b64('["2026-11-23", "x"]'), b64('["2026-11-23T03:08:39.123456Z", 5]'), b64('["2026-11-23T03:08:39.123456Z"]'),
      b64('["2026-02-30T03:08:39.123456Z", "x"]'), b64('["2026-11-23T25:08:39.123456Z", "x"]'), b64('["0000-01-01T00:00:00.000000Z", "x"]'),
      b64('["2026-11-23T03:08:39.123456Z", "wh_\\u0000"]'), b64('["2026-11-23T03:08:39.123456Z", "\\ud800"]')]) {
      expect(decodePageKey(bad)).toBeNull();
    }
    expect(decodeCursor(encodeCursor(['a', 'b']), 1)).toBeNull();
  });

  it('validates limit (default 50, max 200) and cursor as query parameters', () => {
    const query = z.object(pageQuery);
    expect(query.parse({})).toEqual({ limit: 50 });
    expect(query.parse({ limit: '200', cursor: keyCursor })).toEqual({ limit: 200, cursor: key });
    expect(query.safeParse({ limit: '201' }).success).toBe(false);
    expect(query.safeParse({ limit: '0' }).success).toBe(false);
    expect(query.safeParse({ limit: 'ten' }).success).toBe(false);
    expect(query.safeParse({ cursor: 'garbage' }).error?.issues[0].path).toEqual(['cursor']);
    expect(z.object(namePageQuery).parse({ cursor: encodeCursor(['deploy.failed']) })).toEqual({ limit: 50, cursor: 'deploy.failed' });
  });

  it('answers { data, next_cursor }', () => {
    expect(listResponse({ items: [1, 2], next: key }, (n) => n * 10)).toEqual({ data: [10, 20], next_cursor: keyCursor });
    expect(listResponse({ items: [], next: null }, (n: number) => n)).toEqual({ data: [], next_cursor: null });
  });
});
