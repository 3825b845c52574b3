import { timingSafeEqual } from 'node:crypto';
import { DEFAULT_HEADER_PREFIX, ID_HEADER, NEXT_SIGNATURE_SUFFIX, rotationStyle, schemeHeaders, signatureEntry, type HeaderNames, type SignatureScheme } from './schemes';

/** Why a delivery was refused; stable codes a receiver can log or map to a status. */
export type VerificationFailure = 'missing-header' | 'malformed-timestamp' | 'timestamp-too-old' | 'timestamp-in-future' | 'no-matching-signature';

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';

  constructor(
    readonly reason: VerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Node's `req.headers` (any key case) or a fetch `Headers`. */
export type HeaderSource = Readonly<Record<string, string | readonly string[] | undefined>> | { get(name: string): string | null };

export interface VerifyInput {
  scheme: SignatureScheme;
  /** The webhook's secret as shown at creation (`whsec_...`). */
  secret: string;
  headers: HeaderSource;
  /** The raw request body, before any JSON parsing. */
  body: string | Uint8Array;
  /** Largest accepted distance between the signed timestamp and `now`, either way, in seconds. */
  toleranceSeconds?: number;
  /** Unix seconds; defaults to the clock. */
  now?: number;
  /** The deployment's header brand, if not `X-Herald-`. */
  headerPrefix?: string;
  /** The webhook's own signature/timestamp header names, if it set them. */
  headerNames?: HeaderNames;
}

/**
 * For receivers: checks that a delivery was signed with `secret` (any one of the listed
 * signatures may match, and for the hex schemes the `-Next` header's too, so it works during
 * rotations) and, for the schemes that sign a
 * timestamp, that it is within `toleranceSeconds` of now. Returns true, or throws a
 * WebhookVerificationError whose `reason` says why. Comparisons are constant-time.
 * A secret that cannot be a key at all (empty; not base64 for `standard`) is a set-up
 * mistake, not a forged delivery: that throws a TypeError.
 */
export function verifyWebhook({
  scheme,
  secret,
  headers,
  body,
  toleranceSeconds = 300,
  now = Math.floor(Date.now() / 1000),
  headerPrefix = DEFAULT_HEADER_PREFIX,
  headerNames,
}: VerifyInput): true {
  const names = schemeHeaders(scheme, headerPrefix, headerNames);
  const separator = rotationStyle(scheme) === 'list' ? ' ' : ',';
  const next = rotationStyle(scheme) === 'next-header' ? read(headers, names.signature + NEXT_SIGNATURE_SUFFIX, separator) : undefined;
  const signatures = [required(headers, names.signature, separator), next].filter(Boolean).join(separator);
  // Only Standard Webhooks signs the id; the hex schemes do not need it to verify.
  const messageId = scheme === 'standard' ? required(headers, ID_HEADER) : '';
  const timestamp = names.timestamp === null ? 0 : checkTimestamp(required(headers, names.timestamp), toleranceSeconds, now);

  const expected = Buffer.from(signatureEntry(scheme, secret, { messageId, timestamp, body }));
  const matches = signatures
    .split(separator)
    // A trailing comma is what Node leaves when it joins repeated headers with ', '.
    .map((entry) => Buffer.from(entry.trim().replace(/,$/, '')))
    .filter((entry) => entry.length === expected.length && timingSafeEqual(entry, expected));
  if (matches.length === 0) throw new WebhookVerificationError('no-matching-signature', `no ${names.signature} entry matches this secret and body`);
  return true;
}

function required(headers: HeaderSource, name: string, join = ','): string {
  const value = read(headers, name, join);
  if (!value) throw new WebhookVerificationError('missing-header', `missing header ${name}`);
  return value;
}

function read(headers: HeaderSource, name: string, join: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() === wanted && value !== undefined) return typeof value === 'string' ? value : value.join(join);
  }
  return undefined;
}

function checkTimestamp(text: string, toleranceSeconds: number, now: number): number {
  if (!/^\d{1,15}$/.test(text.trim())) throw new WebhookVerificationError('malformed-timestamp', `timestamp ${JSON.stringify(text)} is not unix seconds`);
  const timestamp = Number(text);
  if (timestamp < now - toleranceSeconds) throw new WebhookVerificationError('timestamp-too-old', `timestamp ${timestamp} is more than ${toleranceSeconds}s old`);
  if (timestamp > now + toleranceSeconds) throw new WebhookVerificationError('timestamp-in-future', `timestamp ${timestamp} is more than ${toleranceSeconds}s in the future`);
  return timestamp;
}
