import type { BucketCount, WindowedBucket } from '@herald/persistence';

const WINDOW_SECONDS = 60;

export interface RateLimits {
  /** Requests per key per minute. */
  perKey: number;
  /** Webhook mutations per key per minute (seed 000). */
  webhookMutations: number;
}

export interface LimitedBucket extends WindowedBucket {
  limit: number;
}

/** Every request counts against its key; a webhook mutation also against the key's tighter mutation budget. */
export function bucketsFor(keyId: string, webhookMutation: boolean, limits: RateLimits): LimitedBucket[] {
  const buckets = [{ bucket: `key:${keyId}`, windowSeconds: WINDOW_SECONDS, limit: limits.perKey }];
  if (webhookMutation) buckets.push({ bucket: `key:${keyId}:webhook-mutations`, windowSeconds: WINDOW_SECONDS, limit: limits.webhookMutations });
  return buckets;
}

export interface RateLimitVerdict {
  headers: Record<string, string>;
  /** Seconds to wait when over the limit; null when the request may go on. */
  retryAfterSeconds: number | null;
}

/**
 * What to tell the client: the headers describe the bucket closest to its limit (the one that
 * refused, if any); over any limit, Retry-After is when the last exceeded window ends.
 */
export function rateLimitVerdict(counts: readonly BucketCount[], buckets: readonly LimitedBucket[]): RateLimitVerdict {
  const limits = new Map(buckets.map((b) => [b.bucket, b.limit]));
  const states = counts.map((count) => {
    const limit = limits.get(count.bucket)!;
    return { ...count, limit, remaining: Math.max(0, limit - count.hits), exceeded: count.hits > limit };
  });
  const exceeded = states.filter((s) => s.exceeded);
  const shown = (exceeded.length ? exceeded : states).reduce((a, b) => (b.remaining < a.remaining || (b.remaining === a.remaining && b.limit < a.limit) ? b : a));
  const headers = {
    'X-RateLimit-Limit': String(shown.limit),
    'X-RateLimit-Remaining': String(shown.remaining),
    'X-RateLimit-Reset': String(Math.ceil(shown.resetAt / 1000)),
  };
  if (!exceeded.length) return { headers, retryAfterSeconds: null };
  const last = exceeded.reduce((a, b) => (b.resetAt > a.resetAt ? b : a));
  return { headers, retryAfterSeconds: Math.max(1, Math.ceil((last.resetAt - last.now) / 1000)) };
}
