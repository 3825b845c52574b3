import { createHmac } from 'node:crypto';
import { HmacKeys } from './hmac-keys';
import { generateSecret, hexKey, standardKey } from './secrets';

const mac = (key: Parameters<typeof createHmac>[1]) => createHmac('sha256', key).update('body').digest('hex');

describe('HmacKeys', () => {
  it('gives the key the secret derives to, prepared once and reused', () => {
    const derive = jest.fn(standardKey);
    const keys = new HmacKeys(derive);
    const secret = generateSecret();
    const first = keys.get(secret);
    expect(keys.get(secret)).toBe(first);
    expect(derive).toHaveBeenCalledTimes(1);
    expect(mac(first)).toBe(mac(standardKey(secret)));
  });

  it('keys by the secret: a rotated secret gets its own key, the old one keeps its own', () => {
    const keys = new HmacKeys(hexKey);
    const [old, rotated] = [generateSecret(), generateSecret()];
    expect(mac(keys.get(rotated))).toBe(mac(hexKey(rotated)));
    expect(mac(keys.get(old))).toBe(mac(hexKey(old)));
    expect(mac(keys.get(old))).not.toBe(mac(keys.get(rotated)));
  });

  it('holds at most max keys, dropping the least recently used first', () => {
    const derive = jest.fn(hexKey);
    const keys = new HmacKeys(derive, 2);
    keys.get('a');
    keys.get('b');
    keys.get('a'); // now b is the least recently used
    keys.get('c');
    expect(keys.size).toBe(2);
    derive.mockClear();
    keys.get('a');
    expect(derive).not.toHaveBeenCalled();
    keys.get('b');
    expect(derive).toHaveBeenCalledWith('b');
  });

  it('throws for a secret that derives no key, every time, and caches nothing', () => {
    const keys = new HmacKeys(standardKey);
    expect(() => keys.get('whsec_not base64!')).toThrow(TypeError);
    expect(() => keys.get('whsec_not base64!')).toThrow(TypeError);
    expect(keys.size).toBe(0);
  });
});
