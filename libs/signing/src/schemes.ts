import { createHmac } from 'node:crypto';
import { hexKey, standardKey } from './secrets';

/** How a webhook proves where it came from (DESIGN.md, "Webhook wire contract"). */
export type SignatureScheme = 'standard' | 'hmac-sha256' | 'timestamped' | 'github';
export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = ['standard', 'hmac-sha256', 'timestamped', 'github'];

/** Brand of the X-Herald-* headers; a deployment-wide setting (e.g. `X-OEC-`). */
export const DEFAULT_HEADER_PREFIX = 'X-Herald-';

/** The stable per-delivery id every scheme carries, so receivers can deduplicate. */
export const ID_HEADER = 'webhook-id';

export interface SchemeHeaders {
  /** Carries the signed unix-seconds timestamp; null when the scheme signs the body alone. */
  timestamp: string | null;
  signature: string;
  /**
   * Joins the entries when several secrets sign (rotation): a space for Standard Webhooks (its
   * spec), a comma for the hex schemes (one secret gives exactly the seeds' single value).
   */
  separator: ' ' | ',';
}

export function schemeHeaders(scheme: SignatureScheme, headerPrefix: string): SchemeHeaders {
  switch (scheme) {
    case 'standard':
      return { timestamp: 'webhook-timestamp', signature: 'webhook-signature', separator: ' ' };
    case 'hmac-sha256':
      return { timestamp: null, signature: `${headerPrefix}Signature`, separator: ',' };
    case 'timestamped':
      return { timestamp: `${headerPrefix}Timestamp`, signature: `${headerPrefix}Signature`, separator: ',' };
    case 'github':
      return { timestamp: null, signature: 'X-Hub-Signature-256', separator: ',' };
  }
}

export interface SignedContent {
  messageId: string;
  /** Unix seconds. */
  timestamp: number;
  body: string | Uint8Array;
}

/** One secret's entry in the signature header, e.g. `v1,<base64>` or `sha256=<hex>`. */
export function signatureEntry(scheme: SignatureScheme, secret: string, { messageId, timestamp, body }: SignedContent): string {
  switch (scheme) {
    case 'standard':
      return `v1,${hmac(standardKey(secret), `${messageId}.${timestamp}.`, body).toString('base64')}`;
    case 'timestamped':
      return hmac(hexKey(secret), `${timestamp}.`, body).toString('hex');
    case 'hmac-sha256':
    case 'github':
      return `sha256=${hmac(hexKey(secret), '', body).toString('hex')}`;
  }
}

function hmac(key: Buffer, prefix: string, body: string | Uint8Array): Buffer {
  const mac = createHmac('sha256', key).update(prefix, 'utf8');
  return (typeof body === 'string' ? mac.update(body, 'utf8') : mac.update(body)).digest();
}
