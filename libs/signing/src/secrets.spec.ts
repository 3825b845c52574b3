import { generateSecret, isValidSecret } from './secrets';

describe('secrets', () => {
  it('are whsec_ and the base64 of 32 fresh random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(isValidSecret(secret)).toBe(true);
    expect(new Set(Array.from({ length: 20 }, generateSecret)).size).toBe(20);
  });

  it('validate as whsec_ plus canonical base64 of 24 to 64 bytes', () => {
    const of = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;
    expect(isValidSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(true); // the spec's example, 24 bytes
    expect(isValidSecret(of(24))).toBe(true);
    expect(isValidSecret(of(64))).toBe(true);
    expect(isValidSecret(of(23))).toBe(false);
    expect(isValidSecret(of(65))).toBe(false);
    expect(isValidSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(false);
    expect(isValidSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!')).toBe(false);
    expect(isValidSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw-')).toBe(false);
    expect(isValidSecret(`${generateSecret()} `)).toBe(false);
    expect(isValidSecret('whsec_')).toBe(false);
    expect(isValidSecret(undefined)).toBe(false);
  });
});
