import { isValidIdempotencyKey, requestHash } from './request-hash';

describe('idempotent request identity', () => {
  it('ignores key order and whitespace but not values, method or path', () => {
    const base = requestHash('POST', '/api/v1/webhooks', { url: 'https://a.example', events: ['x', 'y'] });
    expect(requestHash('post', '/api/v1/webhooks', JSON.parse('{ "events": ["x","y"],  "url": "https://a.example" }'))).toBe(base);
    expect(requestHash('POST', '/api/v1/webhooks', { url: 'https://a.example', events: ['y', 'x'] })).not.toBe(base);
    expect(requestHash('PATCH', '/api/v1/webhooks', { url: 'https://a.example', events: ['x', 'y'] })).not.toBe(base);
    expect(requestHash('POST', '/api/v1/email-channels', { url: 'https://a.example', events: ['x', 'y'] })).not.toBe(base);
  });

  it('treats a missing body as null', () => {
    expect(requestHash('POST', '/p', undefined)).toBe(requestHash('POST', '/p', null));
    expect(requestHash('POST', '/p', undefined)).not.toBe(requestHash('POST', '/p', {}));
  });

  it('accepts printable keys up to 255 characters', () => {
    expect(isValidIdempotencyKey('gh-123456')).toBe(true);
    expect(isValidIdempotencyKey('weekly-clone-2026-19')).toBe(true);
    expect(isValidIdempotencyKey('x'.repeat(255))).toBe(true);
    for (const bad of ['', 'x'.repeat(256), 'has space', 'tab\t', 'é']) expect(isValidIdempotencyKey(bad)).toBe(false);
  });
});
