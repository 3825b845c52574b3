import { DEFAULT_HEADER_PREFIX, ID_HEADER, schemeHeaders, signatureEntry, type SignatureScheme } from './schemes';

export interface SignInput {
  scheme: SignatureScheme;
  /** Current secret first, then the secrets still inside their rotation grace window; each one signs. */
  secrets: readonly string[];
  /** Stable per delivery across retries and replays: sent as `webhook-id`. */
  messageId: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  /** The exact bytes that will be sent (canonicalJson output). */
  body: string;
  /** Brand for the X-Herald-* headers, e.g. `X-OEC-`; must end with `-`. */
  headerPrefix?: string;
}

/**
 * The headers that sign one delivery attempt, to add to the request as they are.
 *
 * With one secret every value is exactly the seeds' format. During a rotation every secret
 * signs, in the order given: `webhook-signature` lists `v1,<base64>` entries separated by a
 * space (the Standard Webhooks spec); the hex schemes list their entries separated by a comma,
 * each complete on its own (`sha256=<hex>,sha256=<hex>` or `<hex>,<hex>`), so a receiver
 * splits on `,` and accepts any match. Every scheme carries `webhook-id`.
 */
export function signWebhook({ scheme, secrets, messageId, timestamp, body, headerPrefix = DEFAULT_HEADER_PREFIX }: SignInput): Record<string, string> {
  if (secrets.length === 0) throw new TypeError('signWebhook needs at least one secret');
  // The Standard Webhooks spec forbids `.` in the id (it delimits the signed content); headers forbid whitespace.
  if (!/^[!-~]+$/.test(messageId) || messageId.includes('.')) throw new TypeError(`messageId must be printable ASCII without '.' or spaces, got ${JSON.stringify(messageId)}`);
  // 1e11 s is the year 5138: a larger value is almost certainly milliseconds, which every receiver would reject.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp >= 1e11) throw new TypeError(`timestamp must be unix seconds, got ${timestamp}`);
  if (!/^[A-Za-z0-9-]+-$/.test(headerPrefix)) throw new TypeError(`headerPrefix must be a header-name prefix ending with '-', got ${JSON.stringify(headerPrefix)}`);

  const names = schemeHeaders(scheme, headerPrefix);
  const content = { messageId, timestamp, body };
  const headers: Record<string, string> = { [ID_HEADER]: messageId };
  if (names.timestamp) headers[names.timestamp] = String(timestamp);
  headers[names.signature] = [...new Set(secrets)].map((secret) => signatureEntry(scheme, secret, content)).join(names.separator);
  return headers;
}
