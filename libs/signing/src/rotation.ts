/** A webhook's signing secret as stored: the current one has no expiry. */
export interface StoredSecret {
  secret: string;
  createdAt: Date;
  /** When a rotated-out secret stops signing (end of its grace window); null for the current one. */
  expiresAt: Date | null;
}

/** How long a replaced secret keeps signing beside its successor. */
export const DEFAULT_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * The secrets that sign at `now`, in signWebhook's order: the current one(s) first, then the
 * secrets whose grace window has not closed, newest first. Expired secrets are left out.
 */
export function signingSecrets(secrets: readonly StoredSecret[], now: Date): string[] {
  return secrets
    .filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime())
    .sort((a, b) => Number(a.expiresAt !== null) - Number(b.expiresAt !== null) || b.createdAt.getTime() - a.createdAt.getTime())
    .map((s) => s.secret);
}

/**
 * The `expiresAt` to give the secret being replaced at `now`. A grace of 0 cuts over at once;
 * otherwise the hex schemes keep signing their header with the old secret until then (see signWebhook).
 */
export function graceExpiry(now: Date, graceMs = DEFAULT_ROTATION_GRACE_MS): Date {
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError(`grace must be a non-negative number of milliseconds, got ${graceMs}`);
  return new Date(now.getTime() + graceMs);
}
