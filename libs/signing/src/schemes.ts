import { createHmac, type KeyObject } from 'node:crypto';
import { HmacKeys } from './hmac-keys';
import { hexKey, standardKey } from './secrets';

/** How a webhook proves where it came from (DESIGN.md, "Webhook wire contract"). */
export type SignatureScheme = 'standard' | 'hmac-sha256' | 'timestamped' | 'github';

/** Brand of the X-Herald-* headers; a deployment-wide setting (e.g. `X-OEC-`). */
export const DEFAULT_HEADER_PREFIX = 'X-Herald-';

/** The stable per-delivery id every scheme carries, so receivers can deduplicate. */
export const ID_HEADER = 'webhook-id';

/** During a rotation, the hex schemes offer the new secret's signature in this header's name + suffix. */
export const NEXT_SIGNATURE_SUFFIX = '-Next';

/** Per-webhook names that replace a scheme's default header names (seed 002's `X-OECSH-Signature`). */
export interface HeaderNames {
  signature?: string;
  timestamp?: string;
}

export interface SchemeHeaders {
  /** Carries the signed unix-seconds timestamp; null when the scheme signs the body alone. */
  timestamp: string | null;
  signature: string;
}

export interface SignedContent {
  messageId: string;
  /** Unix seconds. */
  timestamp: number;
  body: string | Uint8Array;
}

/**
 * How several secrets sign during a rotation:
 *  - `list`: every secret's entry in the one header, space-separated (the Standard Webhooks spec,
 *    whose libraries accept any entry);
 *  - `next-header`: the header the receiver reads keeps exactly one entry, by the oldest secret
 *    still in its grace window, and the newest secret's entry goes in `<header>-Next`. A receiver
 *    that compares the whole header to one value (seeds 000, 001, 003, 004) keeps verifying with
 *    the secret it holds until the grace window closes, then switches to the new one.
 */
export type RotationStyle = 'list' | 'next-header';

interface SchemeDefinition {
  headers(prefix: string): SchemeHeaders;
  /** One secret's signature value, e.g. `v1,<base64>` or `sha256=<hex>`. */
  entry(secret: string, content: SignedContent): string;
  rotation: RotationStyle;
}

const standardKeys = new HmacKeys(standardKey);
const hexKeys = new HmacKeys(hexKey);

/** Everything a scheme is, one entry each. */
const SCHEMES: Readonly<Record<SignatureScheme, SchemeDefinition>> = {
  standard: {
    headers: () => ({ timestamp: 'webhook-timestamp', signature: 'webhook-signature' }),
    entry: (secret, { messageId, timestamp, body }) => `v1,${hmac(standardKeys.get(secret), `${messageId}.${timestamp}.`, body).toString('base64')}`,
    rotation: 'list',
  },
  'hmac-sha256': {
    headers: (prefix) => ({ timestamp: null, signature: `${prefix}Signature` }),
    entry: (secret, { body }) => `sha256=${hmac(hexKeys.get(secret), '', body).toString('hex')}`,
    rotation: 'next-header',
  },
  timestamped: {
    headers: (prefix) => ({ timestamp: `${prefix}Timestamp`, signature: `${prefix}Signature` }),
    entry: (secret, { timestamp, body }) => hmac(hexKeys.get(secret), `${timestamp}.`, body).toString('hex'),
    rotation: 'next-header',
  },
  github: {
    headers: () => ({ timestamp: null, signature: 'X-Hub-Signature-256' }),
    entry: (secret, { body }) => `sha256=${hmac(hexKeys.get(secret), '', body).toString('hex')}`,
    rotation: 'next-header',
  },
};

export const SIGNATURE_SCHEMES = Object.keys(SCHEMES) as readonly SignatureScheme[];

/** The scheme's header names: the webhook's own where it set them, else the defaults under `headerPrefix`. */
export function schemeHeaders(scheme: SignatureScheme, headerPrefix: string, names: HeaderNames = {}): SchemeHeaders {
  const defaults = SCHEMES[scheme].headers(headerPrefix);
  return { signature: names.signature ?? defaults.signature, timestamp: defaults.timestamp === null ? null : (names.timestamp ?? defaults.timestamp) };
}

export function signatureEntry(scheme: SignatureScheme, secret: string, content: SignedContent): string {
  return SCHEMES[scheme].entry(secret, content);
}

export function rotationStyle(scheme: SignatureScheme): RotationStyle {
  return SCHEMES[scheme].rotation;
}

function hmac(key: KeyObject, prefix: string, body: string | Uint8Array): Buffer {
  const mac = createHmac('sha256', key).update(prefix, 'utf8');
  return (typeof body === 'string' ? mac.update(body, 'utf8') : mac.update(body)).digest();
}
