import { createHash } from 'node:crypto';
import { bearerToken, displayPrefix, generateApiKey, hashApiKey } from './api-key-secret';

describe('API key secrets', () => {
  it('are hk_ followed by 256 random bits, never twice the same', () => {
    const keys = new Set(Array.from({ length: 100 }, generateApiKey));
    expect(keys.size).toBe(100);
    for (const key of keys) {
      expect(key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    }
  });

  it('are stored as hex SHA-256 and shown only by a short prefix', () => {
    const key = 'hk_abcdefghijklmnop';
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(displayPrefix(key)).toBe('hk_abcdef');
  });

  it('reads the bearer token and nothing else', () => {
    expect(bearerToken('Bearer hk_x')).toBe('hk_x');
    expect(bearerToken('bearer  hk_x ')).toBe('hk_x');
    for (const bad of [undefined, '', 'Basic abc', 'Bearer', 'Bearer a b', 'hk_x']) expect(bearerToken(bad)).toBeNull();
  });
});
