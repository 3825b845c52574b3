import { createSecretKey, type KeyObject } from 'node:crypto';

/** Enough for every webhook a sender serves plus their secrets in rotation; beyond it the least recently used go. */
export const MAX_CACHED_KEYS = 10_000;

/**
 * HMAC keys prepared once per secret. Deriving a key (decoding the base64 after `whsec_`, checking it) and handing
 * createHmac a Buffer cost several times the HMAC of a small body; a KeyObject is used as it is. Keys are found by
 * the secret itself, so a rotated secret is simply a new entry and the old one ages out; a secret that cannot be
 * turned into a key throws every time and is never cached. At most `max` keys are kept, least recently used dropped
 * first, so a sender's memory does not grow with the secrets it has ever seen.
 */
export class HmacKeys {
  private readonly keys = new Map<string, KeyObject>();

  constructor(
    private readonly derive: (secret: string) => Buffer,
    private readonly max = MAX_CACHED_KEYS,
  ) {}

  get(secret: string): KeyObject {
    const cached = this.keys.get(secret);
    if (cached) {
      // Map keeps insertion order: moving the entry to the end makes the first entry the least recently used.
      this.keys.delete(secret);
      this.keys.set(secret, cached);
      return cached;
    }
    const key = createSecretKey(this.derive(secret));
    if (this.keys.size >= this.max) this.keys.delete(this.keys.keys().next().value!);
    this.keys.set(secret, key);
    return key;
  }

  get size(): number {
    return this.keys.size;
  }
}
