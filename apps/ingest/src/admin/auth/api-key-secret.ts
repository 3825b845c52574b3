import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'hk_';
/** Enough of a key to tell it apart in a list (prefix + 6 characters), far too little to guess the rest. */
const SHOWN_CHARACTERS = PREFIX.length + 6;

/**
 * `hk_` + base64url of 32 random bytes: nothing in it names the org, so a leaked key reveals
 * nothing but itself. 256 bits of entropy make a fast hash safe to store.
 */
export function generateApiKey(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function displayPrefix(key: string): string {
  return key.slice(0, SHOWN_CHARACTERS);
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it is. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}
