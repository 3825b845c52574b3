import { DEFAULT_HEADER_PREFIX, ID_HEADER, NEXT_SIGNATURE_SUFFIX, rotationStyle, schemeHeaders, signatureEntry, type HeaderNames, type SignatureScheme } from './schemes';

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
  /** The webhook's own signature/timestamp header names, replacing the prefixed defaults. */
  headerNames?: HeaderNames;
}

/**
 * The headers that sign one delivery attempt, to add to the request as they are.
 *
 * With one secret every value is exactly the seeds' format. During a rotation every secret
 * signs, in the order given (current first, then the older ones still in their grace window):
 * `webhook-signature` lists `v1,<base64>` entries separated by a space (the Standard Webhooks
 * spec). The hex schemes keep one entry in their header, by the oldest secret still signing, so
 * receivers that compare the whole header (the seeds' own code) keep working with the secret
 * they hold; the current secret's entry goes in `<header>-Next` until the grace window closes
 * (see RotationStyle). Every scheme carries `webhook-id`.
 */
export function signWebhook({ scheme, secrets, messageId, timestamp, body, headerPrefix = DEFAULT_HEADER_PREFIX, headerNames }: SignInput): Record<string, string> {
  if (secrets.length === 0) throw new TypeError('signWebhook needs at least one secret');
  // The Standard Webhooks spec forbids `.` in the id (it delimits the signed content); headers forbid whitespace.
  if (!/^[!-~]+$/.test(messageId) || messageId.includes('.')) throw new TypeError(`messageId must be printable ASCII without '.' or spaces, got ${JSON.stringify(messageId)}`);
  // 1e11 s is the year 5138: a larger value is almost certainly milliseconds, which every receiver would reject.
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp >= 1e11) throw new TypeError(`timestamp must be unix seconds, got ${timestamp}`);
  if (!/^[A-Za-z0-9-]+-$/.test(headerPrefix)) throw new TypeError(`headerPrefix must be a header-name prefix ending with '-', got ${JSON.stringify(headerPrefix)}`);

  const names = schemeHeaders(scheme, headerPrefix, headerNames);
  const content = { messageId, timestamp, body };
  const headers: Record<string, string> = { [ID_HEADER]: messageId };
  if (names.timestamp) headers[names.timestamp] = String(timestamp);
  const distinct = [...new Set(secrets)];
  const entry = (secret: string) => signatureEntry(scheme, secret, content);
  if (rotationStyle(scheme) === 'list') {
    headers[names.signature] = distinct.map(entry).join(' ');
  } else {
    headers[names.signature] = entry(distinct[distinct.length - 1]);
    if (distinct.length > 1) headers[names.signature + NEXT_SIGNATURE_SUFFIX] = entry(distinct[0]);
  }
  return headers;
}
