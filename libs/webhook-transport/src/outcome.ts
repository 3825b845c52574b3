import type { SendResult } from './http-sender';

/** What an attempt means for the delivery; only `retry` outcomes go back to the tiers. */
export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string; retryAfterMs: number }
  | { kind: 'final'; reason: string };

/** Statuses that say "try again later" even where other 4xx are final (RFC 9110, seed 004). */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 409, 425, 429]);

export function classifyAttempt(result: SendResult, clientErrorsFinal: boolean): AttemptOutcome {
  if (result.kind === 'refused') return { kind: 'final', reason: result.error };
  if (result.kind === 'error') return { kind: 'retry', reason: result.error, retryAfterMs: 0 };
  const { statusCode, retryAfterMs } = result;
  if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered' };
  const reason = `HTTP ${statusCode}`;
  if (clientErrorsFinal && statusCode >= 400 && statusCode < 500 && !RETRYABLE_CLIENT_ERRORS.has(statusCode)) return { kind: 'final', reason };
  return { kind: 'retry', reason, retryAfterMs };
}
