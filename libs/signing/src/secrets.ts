import { randomBytes } from 'node:crypto';

/** How every Herald signing secret starts, as the Standard Webhooks spec serialises HMAC keys. */
export const SECRET_PREFIX = 'whsec_';

const KEY_BYTES = 32;
// The Standard Webhooks spec asks for symmetric keys of 24 to 64 bytes.
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

/** `whsec_` + base64 of 32 random bytes; shown to the user once, at creation or rotation. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(KEY_BYTES).toString('base64');
}

/** True for a secret Herald would issue: `whsec_` + canonical base64 of 24 to 64 bytes. */
export function isValidSecret(secret: unknown): secret is string {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) return false;
  const key = decodeBase64(secret.slice(SECRET_PREFIX.length));
  return key !== null && key.length >= MIN_KEY_BYTES && key.length <= MAX_KEY_BYTES;
}

/**
 * The HMAC key of the `standard` scheme: the base64-decoded part after `whsec_` (the prefix is
 * optional, as in the spec's own libraries). Throws on anything that is not base64, because
 * Node would otherwise skip the bad characters and sign with a different key than the receiver.
 */
export function standardKey(secret: string): Buffer {
  const key = decodeBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (key === null || key.length === 0) throw new TypeError('a standard-scheme secret must be whsec_ followed by base64');
  return key;
}

/** The hex schemes' HMAC key: the UTF-8 bytes of the whole secret as shown, `whsec_` included. */
export function hexKey(secret: string): Buffer {
  if (secret.length === 0) throw new TypeError('a signing secret must not be empty');
  return Buffer.from(secret, 'utf8');
}

/** Strict base64 (standard alphabet, padding optional); null when `text` is anything else. */
function decodeBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  // Re-encoding catches impossible lengths and non-zero padding bits, which Node ignores silently.
  return bytes.toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '') ? bytes : null;
}
