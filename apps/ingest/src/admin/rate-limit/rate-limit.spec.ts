import { bucketsFor, rateLimitVerdict } from './rate-limit';

describe('rate limits', () => {
  const limits = { perKey: 300, webhookMutations: 10 };
  const now = 1_800_000_030_000;
  const resetAt = 1_800_000_060_000;

  it('counts every request per key, webhook mutations also in their own bucket', () => {
    expect(bucketsFor('key_1', false, limits)).toEqual([{ bucket: 'key:key_1', windowSeconds: 60, limit: 300 }]);
    expect(bucketsFor('key_1', true, limits).map((b) => [b.bucket, b.limit])).toEqual([
      ['key:key_1', 300],
      ['key:key_1:webhook-mutations', 10],
    ]);
  });

  it('reports the bucket closest to its limit and lets the request through while under it', () => {
    const buckets = bucketsFor('k', true, limits);
    const verdict = rateLimitVerdict(
      [
        { bucket: 'key:k', hits: 20, resetAt, now },
        { bucket: 'key:k:webhook-mutations', hits: 4, resetAt, now },
      ],
      buckets,
    );
    expect(verdict).toEqual({ headers: { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '6', 'X-RateLimit-Reset': '1800000060' }, retryAfterSeconds: null });
  });

  it('allows exactly the limit, then refuses with Retry-After until the window ends', () => {
    const buckets = bucketsFor('k', false, limits);
    expect(rateLimitVerdict([{ bucket: 'key:k', hits: 300, resetAt, now }], buckets).retryAfterSeconds).toBeNull();
    const refused = rateLimitVerdict([{ bucket: 'key:k', hits: 301, resetAt, now }], buckets);
    expect(refused.retryAfterSeconds).toBe(30);
    expect(refused.headers['X-RateLimit-Remaining']).toBe('0');
  });

  it('names the exceeded bucket even when another has fewer left, and never says wait 0 s', () => {
    const buckets = bucketsFor('k', true, { perKey: 5, webhookMutations: 10 });
    const verdict = rateLimitVerdict(
      [
        { bucket: 'key:k', hits: 5, resetAt, now },
        { bucket: 'key:k:webhook-mutations', hits: 11, resetAt: now + 200, now },
      ],
      buckets,
    );
    expect(verdict.headers['X-RateLimit-Limit']).toBe('10');
    expect(verdict.retryAfterSeconds).toBe(1);
  });
});
