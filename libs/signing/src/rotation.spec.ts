import { DEFAULT_ROTATION_GRACE_MS, graceExpiry, signingSecrets, type StoredSecret } from './rotation';

const at = (iso: string) => new Date(iso);

describe('signingSecrets', () => {
  // Rotated at noon on Jan 1 (24 h grace), and once long before.
  const stored: StoredSecret[] = [
    { secret: 'ancient', createdAt: at('2025-01-01T00:00:00Z'), expiresAt: at('2025-06-02T00:00:00Z') },
    { secret: 'old', createdAt: at('2025-06-01T00:00:00Z'), expiresAt: graceExpiry(at('2026-01-01T12:00:00Z')) },
    { secret: 'new', createdAt: at('2026-01-01T12:00:00Z'), expiresAt: null },
  ];

  it('signs with the current secret first, then those inside their grace window', () => {
    expect(signingSecrets(stored, at('2026-01-01T12:00:00Z'))).toEqual(['new', 'old']);
    expect(signingSecrets(stored, at('2026-01-02T11:59:59.999Z'))).toEqual(['new', 'old']);
  });

  it('drops a secret the moment its grace window closes', () => {
    expect(signingSecrets(stored, at('2026-01-02T12:00:00Z'))).toEqual(['new']);
  });

  it('orders grace secrets newest first, puts the current one first whatever its date, and leaves the input alone', () => {
    const input: StoredSecret[] = [
      { secret: 'older', createdAt: at('2026-01-01T00:00:00Z'), expiresAt: at('2026-01-03T00:00:00Z') },
      { secret: 'current', createdAt: at('2025-12-01T00:00:00Z'), expiresAt: null },
      { secret: 'newer', createdAt: at('2026-01-01T06:00:00Z'), expiresAt: at('2026-01-03T00:00:00Z') },
    ];
    const copy = [...input];
    expect(signingSecrets(input, at('2026-01-02T00:00:00Z'))).toEqual(['current', 'newer', 'older']);
    expect(input).toEqual(copy);
  });

  it('returns nothing when every secret has expired (signWebhook then refuses to sign)', () => {
    expect(signingSecrets(stored.slice(0, 2), at('2027-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('graceExpiry', () => {
  it('defaults to 24 hours and accepts another window, zero included', () => {
    expect(DEFAULT_ROTATION_GRACE_MS).toBe(86_400_000);
    expect(graceExpiry(at('2026-01-01T12:00:00Z'))).toEqual(at('2026-01-02T12:00:00Z'));
    expect(graceExpiry(at('2026-01-01T12:00:00Z'), 60 * 60 * 1000)).toEqual(at('2026-01-01T13:00:00Z'));
    expect(graceExpiry(at('2026-01-01T12:00:00Z'), 0)).toEqual(at('2026-01-01T12:00:00Z'));
    expect(() => graceExpiry(at('2026-01-01T12:00:00Z'), -1)).toThrow(RangeError);
  });
});
