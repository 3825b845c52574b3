import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('SecretBox', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox([key('k1')]);
    const stored = box.encrypt('smtp-password');
    expect(stored).toMatch(/^enc1:k1:/);
    expect(stored).not.toContain('smtp-password');
    expect(box.decrypt(stored)).toBe('smtp-password');
    expect(box.encrypt('smtp-password')).not.toBe(stored);
  });

  it('decrypts with old keys after rotation and encrypts with the new one', () => {
    const old = key('k1');
    const stored = new SecretBox([old]).encrypt('s3cret');
    const rotated = new SecretBox([key('k2'), old]);
    expect(rotated.decrypt(stored)).toBe('s3cret');
    expect(rotated.encrypt('s3cret')).toMatch(/^enc1:k2:/);
    expect(() => new SecretBox([key('k3')]).decrypt(stored)).toThrow("no encryption key 'k1'");
  });

  it('detects tampering', () => {
    const box = new SecretBox([key('k1')]);
    const parts = box.encrypt('s3cret').split(':');
    parts[4] = Buffer.from('forged').toString('base64url');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
  });

  it('reads keys from the environment and insists on them in production', () => {
    const material = randomBytes(32).toString('base64');
    expect(SecretBox.fromEnv(`a:${material},b:${material}`).currentKeyId).toBe('a');
    expect(() => SecretBox.fromEnv(undefined, 'production')).toThrow(/must be set/);
    expect(() => SecretBox.fromEnv('a:c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
