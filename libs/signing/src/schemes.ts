import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How a webhook proves where it came from (DESIGN.md, "Webhook wire contract"). */
export type SignatureScheme = 'standard' | 'hmac-sha256' | 'timestamped' | 'github';
export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = ['standard', 'hmac-sha256', 'timestamped', 'github'];

const SECRET_PREFIX = 'whsec_';
export const DEFAULT_HEADER_PREFIX = 'X-Herald-';

export interface SignInput {
  scheme: SignatureScheme;
  /** Current secret first, then secrets still inside their rotation grace window; each one signs. */
  secrets: readonly string[];
  /** Stable per delivery: the Standard Webhooks `webhook-id`. */
  messageId: string;
  /** Unix seconds. */
  timestamp: number;
  body: string;
  /** Brand for the X-Herald-* headers, e.g. `X-OEC-`. */
  headerPrefix?: string;
}

/** `whsec_` + base64 of 32 random bytes; shown to the user once. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

export function isValidSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const key = secret.slice(SECRET_PREFIX.length);
  return /^[A-Za-z0-9+/]+={0,2}$/.test(key) && Buffer.from(key, 'base64').length >= 24;
}

/** Standard Webhooks: the key is the base64-decoded part after `whsec_`. */
function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** The hex schemes use the whole secret string as shown, which is what the seeds' receivers do. */
function hmac(key: string | Buffer, data: string, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', key).update(data, 'utf8').digest(encoding);
}

/**
 * Headers that sign `body`. During a rotation every secret signs: Standard Webhooks lists the
 * signatures space-separated (as its spec allows); the hex schemes list them comma-separated,
 * and with one secret their value is exactly the seeds' format.
 */
export function signWebhook({ scheme, secrets, messageId, timestamp, body, headerPrefix = DEFAULT_HEADER_PREFIX }: SignInput): Record<string, string> {
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  switch (scheme) {
    case 'standard': {
      const content = `${messageId}.${timestamp}.${body}`;
      return {
        'webhook-id': messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': secrets.map((s) => `v1,${hmac(standardKey(s), content, 'base64')}`).join(' '),
      };
    }
    case 'hmac-sha256':
      return { [`${headerPrefix}Signature`]: secrets.map((s) => `sha256=${hmac(s, body, 'hex')}`).join(','), 'webhook-id': messageId };
    case 'timestamped':
      return {
        [`${headerPrefix}Timestamp`]: String(timestamp),
        [`${headerPrefix}Signature`]: secrets.map((s) => hmac(s, `${timestamp}.${body}`, 'hex')).join(','),
        'webhook-id': messageId,
      };
    case 'github':
      return { 'X-Hub-Signature-256': secrets.map((s) => `sha256=${hmac(s, body, 'hex')}`).join(','), 'webhook-id': messageId };
  }
}

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

export interface VerifyInput {
  scheme: SignatureScheme;
  secret: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Oldest (and furthest in the future) timestamp accepted, in seconds. */
  toleranceSeconds?: number;
  /** Unix seconds; defaults to now. */
  now?: number;
  headerPrefix?: string;
}

function header(headers: VerifyInput['headers'], name: string): string {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value !== undefined) return Array.isArray(value) ? value[0] : value;
  }
  throw new WebhookVerificationError(`missing header ${name}`);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function checkTimestamp(text: string, toleranceSeconds: number, now: number): number {
  const timestamp = Number(text);
  if (!Number.isInteger(timestamp)) throw new WebhookVerificationError('timestamp is not a number');
  if (Math.abs(now - timestamp) > toleranceSeconds) throw new WebhookVerificationError('timestamp outside the tolerance window');
  return timestamp;
}

/**
 * For receivers: checks a delivery's signature (any of the listed ones may match) and, for the
 * timestamped schemes, its age. Returns true or throws WebhookVerificationError saying why.
 */
export function verifyWebhook({ scheme, secret, headers, body, toleranceSeconds = 300, now = Math.floor(Date.now() / 1000), headerPrefix = DEFAULT_HEADER_PREFIX }: VerifyInput): true {
  let expected: string;
  let candidates: string[];
  switch (scheme) {
    case 'standard': {
      const id = header(headers, 'webhook-id');
      const timestamp = checkTimestamp(header(headers, 'webhook-timestamp'), toleranceSeconds, now);
      expected = hmac(standardKey(secret), `${id}.${timestamp}.${body}`, 'base64');
      candidates = header(headers, 'webhook-signature')
        .split(' ')
        .filter((s) => s.startsWith('v1,'))
        .map((s) => s.slice(3));
      break;
    }
    case 'timestamped': {
      const timestamp = checkTimestamp(header(headers, `${headerPrefix}Timestamp`), toleranceSeconds, now);
      expected = hmac(secret, `${timestamp}.${body}`, 'hex');
      candidates = header(headers, `${headerPrefix}Signature`).split(',');
      break;
    }
    case 'hmac-sha256':
    case 'github': {
      const name = scheme === 'github' ? 'X-Hub-Signature-256' : `${headerPrefix}Signature`;
      expected = `sha256=${hmac(secret, body, 'hex')}`;
      candidates = header(headers, name).split(',');
      break;
    }
  }
  if (!candidates.some((candidate) => sameText(candidate.trim(), expected))) throw new WebhookVerificationError('no signature matches');
  return true;
}
