import { ID_HEADER, NEXT_SIGNATURE_SUFFIX, schemeHeaders, type SignatureScheme } from '@herald/signing';
import { checkTemplate, isIncidentFormat, TemplateSyntaxError, type WebhookFormat } from '@herald/formatters';
import { ProblemError, type FieldError } from '../problems/problem';

/** RFC 9110 field-name token. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII, spaces and tabs: no CR/LF, so a value can never start another header. */
export const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** Hop-by-hop headers (RFC 9110 §7.6.1) and those the HTTP client sets itself. */
const TRANSPORT_HEADERS = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect'];
/** Headers Herald writes on every delivery. */
const HERALD_HEADERS = ['content-type', 'user-agent', ID_HEADER, 'webhook-timestamp', 'webhook-signature', 'traceparent', 'tracestate'];

export interface WireContract {
  format: WebhookFormat;
  signingScheme: SignatureScheme;
  signatureHeader: string | null;
  timestampHeader: string | null;
  eventHeader: string | null;
  staticHeaders: readonly { name: string }[];
  payloadTemplate: string | null;
  dedupKey: string | null;
  integrationKey: string | null;
}

const lower = (name: string) => name.toLowerCase();

/**
 * What is wrong with a webhook's wire contract as it would be after a change, or null. Header
 * names must not be hop-by-hop or Herald's own, must not collide with each other (case-insensitive),
 * templates must parse (the error names the position), and incident formats need their key.
 */
export function wireContractProblem(contract: WireContract, headerPrefix: string): (FieldError & { position?: number }) | null {
  const reserved = new Set([...TRANSPORT_HEADERS, ...HERALD_HEADERS]);
  const names: [field: string, name: string | null][] = [
    ['signature_header', contract.signatureHeader],
    ['timestamp_header', contract.timestampHeader],
    ['event_header', contract.eventHeader],
  ];
  for (const [field, name] of names) {
    if (name !== null && reserved.has(lower(name))) return { field, message: `'${name}' is a header Herald or HTTP itself controls` };
  }
  const scheme = schemeHeaders(contract.signingScheme, headerPrefix, { signature: contract.signatureHeader ?? undefined, timestamp: contract.timestampHeader ?? undefined });
  const owned = [scheme.signature, scheme.signature + NEXT_SIGNATURE_SUFFIX, scheme.timestamp, contract.eventHeader ?? `${headerPrefix}Event`].filter((n): n is string => n !== null);
  if (new Set(owned.map(lower)).size !== owned.length) return { field: 'event_header', message: 'the signature, timestamp and event headers must have different names' };
  const taken = new Set([...reserved, ...owned.map(lower), ...(isIncidentFormat(contract.format) ? ['authorization'] : [])]);
  const seen = new Set<string>();
  for (const [index, header] of contract.staticHeaders.entries()) {
    const name = lower(header.name);
    if (taken.has(name)) return { field: `headers.${index}.name`, message: `'${header.name}' is set by Herald for this webhook or by HTTP itself` };
    if (seen.has(name)) return { field: `headers.${index}.name`, message: `'${header.name}' is listed twice` };
    seen.add(name);
  }
  for (const [field, text] of [['payload_template', contract.payloadTemplate], ['dedup_key', contract.dedupKey]] as const) {
    if (text === null) continue;
    try {
      checkTemplate(text);
    } catch (error) {
      if (error instanceof TemplateSyntaxError) return { field, message: error.message, position: error.position };
      throw error;
    }
  }
  if (contract.payloadTemplate !== null && contract.format !== 'raw') return { field: 'payload_template', message: 'a payload template applies to the raw format only' };
  if (isIncidentFormat(contract.format) && !contract.integrationKey) return { field: 'integration_key', message: `is required for the ${contract.format} format` };
  return null;
}

/** A 422 naming the field, and for a template syntax error the character position as `position`. */
export function wireContractError({ field, message, position }: FieldError & { position?: number }): ProblemError {
  return new ProblemError(422, 'urn:herald:problem:validation', 'Invalid request body', `${field}: ${message}`, {
    field,
    errors: [{ field, message }],
    ...(position !== undefined ? { position } : {}),
  });
}
