import { classifyAttempt } from './outcome';
import { parseRetryAfter, type SendResult } from './http-sender';

const response = (statusCode: number, retryAfterMs = 0): SendResult => ({ kind: 'response', statusCode, latencyMs: 5, body: '', retryAfterMs });

describe('classifyAttempt', () => {
  it('treats any 2xx as delivered', () => {
    expect(classifyAttempt(response(200), false).kind).toBe('delivered');
    expect(classifyAttempt(response(204), true).kind).toBe('delivered');
  });

  it('retries 3xx, 5xx and network errors', () => {
    expect(classifyAttempt(response(301), true)).toEqual({ kind: 'retry', reason: 'HTTP 301', retryAfterMs: 0 });
    expect(classifyAttempt(response(503, 7000), true)).toEqual({ kind: 'retry', reason: 'HTTP 503', retryAfterMs: 7000 });
    expect(classifyAttempt({ kind: 'error', latencyMs: 1, error: 'ECONNREFUSED', timedOut: false }, true).kind).toBe('retry');
  });

  it('makes other 4xx final only when the webhook asks for it', () => {
    expect(classifyAttempt(response(404), false).kind).toBe('retry');
    expect(classifyAttempt(response(404), true)).toEqual({ kind: 'final', reason: 'HTTP 404' });
    for (const status of [408, 409, 425, 429]) expect(classifyAttempt(response(status), true).kind).toBe('retry');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(parseRetryAfter(undefined)).toBe(0);
    expect(parseRetryAfter('soon')).toBe(0);
  });
});
