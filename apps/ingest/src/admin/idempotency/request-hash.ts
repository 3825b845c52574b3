import { createHash } from 'node:crypto';
import { canonicalJson } from '@herald/signing';

/**
 * What makes two requests "the same" under one Idempotency-Key: method, path with query, and
 * the body as canonical JSON, so key order and whitespace do not matter but any value does.
 */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(canonicalJson([method.toUpperCase(), path, body ?? null]))
    .digest('hex');
}

/** Printable ASCII, 1 to 255 characters: room for a UUID, a CI run id or a date-stamped name. */
export function isValidIdempotencyKey(key: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(key);
}
