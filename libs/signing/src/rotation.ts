export interface StoredSecret {
  secret: string;
  createdAt: Date;
  /** When a rotated-out secret stops signing; null for the current one. */
  expiresAt: Date | null;
}

export const DEFAULT_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

/** The secrets that sign at `now`: newest first, then those whose grace window is still open. */
export function signingSecrets(secrets: readonly StoredSecret[], now: Date): string[] {
  return secrets
    .filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime())
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .map((s) => s.secret);
}

/** When the secret being replaced at `now` should stop signing. */
export function graceExpiry(now: Date, graceMs = DEFAULT_ROTATION_GRACE_MS): Date {
  return new Date(now.getTime() + graceMs);
}
