import { z } from 'zod';
import { WEBHOOK_FORMATS } from '@herald/formatters';
import { parseDuration } from '@herald/kafka';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_RETRY_SCHEDULE, MAX_MAX_IN_FLIGHT, WEBHOOK_ORDERINGS } from '@herald/persistence';
import { SIGNATURE_SCHEMES } from '@herald/signing';
import { listSchema, timestamp } from '../openapi/common-schemas';
import { requestSchema, responseSchema } from '../openapi/schemas';
import { eventTypesField, filterField, filterView, projectIdsField } from '../subscriptions';
import { HEADER_NAME, HEADER_VALUE } from './wire-contract';

const delay = z.string().refine((text) => {
  try {
    const ms = parseDuration(text);
    return ms >= 1000 && ms <= 7 * 86_400_000;
  } catch {
    return false;
  }
}, 'each delay looks like 30s, 5m or 2h, between 1s and 7d');

const headerName = z.string().min(1).max(128).regex(HEADER_NAME, 'must be an HTTP header name (letters, digits and !#$%&\'*+.^_`|~-)');

const staticHeader = z.strictObject({
  name: headerName,
  value: z.string().max(4096).regex(HEADER_VALUE, 'must be printable ASCII without line breaks').optional().describe('Required, except to keep a secret header\'s stored value'),
  secret: z.boolean().default(false).describe('Stored encrypted and never shown again'),
});
export type StaticHeaderInput = z.output<typeof staticHeader>;

/** Fields a client may set on a webhook; no defaults here, so PATCH leaves what is absent alone. */
const fields = {
  url: z.string().max(2048).describe('https URL; must resolve to public addresses only'),
  description: z.string().max(500),
  format: z.enum(WEBHOOK_FORMATS).describe('raw (signed JSON), slack, teams, discord, pagerduty (Events API v2) or opsgenie (Alert API)'),
  signing_scheme: z.enum(SIGNATURE_SCHEMES).describe('How raw deliveries are signed'),
  events: eventTypesField,
  project_ids: projectIdsField,
  filter: filterField,
  enabled: z.boolean(),
  retry_schedule: z.array(delay).min(1).max(20).describe('Delays between attempts; its length is the number of retries'),
  timeout_ms: z.number().int().min(100).max(30_000).nullable().describe('Per-attempt timeout; null for the deployment default'),
  rate_limit: z.number().int().min(1).max(10_000).nullable().describe('At most this many requests per second to the endpoint, evenly spaced; deliveries wait their turn, which is not an attempt. null: unlimited'),
  client_errors_final: z.boolean().describe('Treat 4xx other than 408/409/425/429 as final'),
  ordering: z
    .enum(WEBHOOK_ORDERINGS)
    .describe("key: deliveries with the same ordering_key go out one at a time, in order (a retry holds back only its key), the rest in parallel up to max_in_flight; endpoint: every delivery one at a time, in order; none: all in parallel up to max_in_flight"),
  max_in_flight: z.number().int().min(1).max(MAX_MAX_IN_FLIGHT).describe('Requests to the endpoint in flight at once (per sender replica); ignored with endpoint ordering'),
  pause_after_failures: z.number().int().min(0).max(1000).describe('Pause after this many failed attempts in a row (retries and circuit-breaker fast-fails count; a success starts the count again); 0 never pauses'),
  signature_header: headerName.nullable().describe("Name of the signature header instead of the scheme's default (X-OEC-Signature, X-Reoclo-Signature-256…); null: the default"),
  timestamp_header: headerName.nullable().describe('Name of the timestamp header (timestamped and standard schemes); null: the default'),
  event_header: headerName.nullable().describe('Name of the header carrying the event type (X-Versioner-Event); null: <prefix>Event'),
  headers: z.array(staticHeader).max(20).describe('Static headers sent with every delivery; hop-by-hop and Herald-owned names are refused. Replaces the whole list'),
  payload_template: z.string().max(16_384).nullable().describe('JSONata expression shaping the raw body, or preset:<oec|reoclo|oxo-flow|versioner>; null: the Herald envelope'),
  integration_key: z.string().trim().min(1).max(256).describe('PagerDuty routing key or Opsgenie API key; stored encrypted, never shown'),
  dedup_key: z.string().max(1024).nullable().describe("JSONata expression giving the PagerDuty dedup_key / Opsgenie alias; null: derived from the event's subject"),
};

export const CreateWebhookSchema = requestSchema(
  'CreateWebhook',
  z.strictObject({
    ...fields,
    description: fields.description.default(''),
    format: fields.format.default('raw'),
    signing_scheme: fields.signing_scheme.default('standard'),
    events: fields.events.default([]),
    project_ids: fields.project_ids.default([]),
    filter: fields.filter.default(null),
    enabled: fields.enabled.default(true),
    retry_schedule: fields.retry_schedule.default([...DEFAULT_RETRY_SCHEDULE]),
    timeout_ms: fields.timeout_ms.default(null),
    rate_limit: fields.rate_limit.default(null),
    client_errors_final: fields.client_errors_final.default(false),
    ordering: fields.ordering.default('key'),
    max_in_flight: fields.max_in_flight.default(DEFAULT_MAX_IN_FLIGHT),
    pause_after_failures: fields.pause_after_failures.default(10),
    signature_header: fields.signature_header.default(null),
    timestamp_header: fields.timestamp_header.default(null),
    event_header: fields.event_header.default(null),
    headers: fields.headers.default([]),
    payload_template: fields.payload_template.default(null),
    integration_key: fields.integration_key.optional(),
    dedup_key: fields.dedup_key.default(null),
    secret: z.string().max(256).optional().describe('Your own signing secret (whsec_… base64 for the standard scheme, 16+ characters otherwise); generated when absent'),
  }),
);
export type CreateWebhook = z.output<typeof CreateWebhookSchema>;

export const UpdateWebhookSchema = requestSchema('UpdateWebhook', z.strictObject(fields).partial());
export type UpdateWebhook = z.output<typeof UpdateWebhookSchema>;

export const RotateSecretSchema = requestSchema(
  'RotateWebhookSecret',
  z.strictObject({
    grace_seconds: z.number().int().min(0).max(7 * 86_400).optional().describe('How long the old secret keeps signing beside the new one; default HERALD_SECRET_ROTATION_GRACE (24h)'),
    secret: z.string().max(256).optional().describe('Your own new secret; generated when absent'),
  }),
);
export type RotateSecret = z.output<typeof RotateSecretSchema>;

export const WebhookSchema = responseSchema(
  'Webhook',
  z.object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    format: z.string(),
    signing_scheme: z.string(),
    events: z.array(z.string()),
    project_ids: z.array(z.string()),
    filter: filterView,
    enabled: z.boolean(),
    paused: z.boolean(),
    paused_at: timestamp.nullable(),
    consecutive_failures: z.number().int(),
    retry_schedule: z.array(z.string()),
    timeout_ms: z.number().int().nullable(),
    rate_limit: z.number().int().nullable(),
    client_errors_final: z.boolean(),
    ordering: z.enum(WEBHOOK_ORDERINGS),
    max_in_flight: z.number().int(),
    pause_after_failures: z.number().int(),
    signature_header: z.string().nullable(),
    timestamp_header: z.string().nullable(),
    event_header: z.string().nullable(),
    headers: z.array(z.object({ name: z.string(), value: z.string().nullable().describe('null for a secret header'), secret: z.boolean() })),
    payload_template: z.string().nullable(),
    dedup_key: z.string().nullable(),
    integration_key_set: z.boolean().describe('Whether an integration key is stored (it is never shown)'),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
export type WebhookView = z.output<typeof WebhookSchema>;

export const CreatedWebhookSchema = responseSchema(
  'CreatedWebhook',
  WebhookSchema.extend({ secret: z.string().describe('The signing secret: shown now and never again') }),
);

export const WebhookListSchema = listSchema('WebhookList', WebhookSchema);

export const RotatedSecretSchema = responseSchema(
  'RotatedWebhookSecret',
  z.object({
    secret: z.string().describe('The new signing secret: shown now and never again'),
    previous_secrets_expire_at: timestamp.describe('Until then deliveries carry both signatures'),
  }),
);

export const WebhookTestResultSchema = responseSchema(
  'WebhookTestResult',
  z.object({
    ok: z.boolean().describe('The receiver answered 2xx within the timeout'),
    status_code: z.number().int().nullable().describe("The receiver's HTTP status; null when there was no answer"),
    round_trip_ms: z.number().int(),
    error: z.string().optional(),
    response_body: z.string().optional().describe('First 4 KiB of the answer'),
  }),
);
export type WebhookTestResult = z.output<typeof WebhookTestResultSchema>;

export const WebhookResumedSchema = responseSchema(
  'WebhookResumed',
  z.object({ id: z.string(), paused: z.literal(false), replayed: z.number().int().describe('Held deliveries sent again, oldest first') }),
);

export const TemplatePreviewSchema = requestSchema(
  'WebhookTemplatePreview',
  z.strictObject({
    event: z
      .strictObject({
        type: z.string().min(1).max(128),
        id: z.string().max(128).optional(),
        project_id: z.string().max(128).nullable().optional(),
        occurred_at: z.string().max(64).optional(),
        data: z.record(z.string(), z.unknown()).default({}),
      })
      .describe('A sample event as a producer would send it (org_id is yours)'),
    payload_template: z.string().max(16_384).optional().describe("A template to try instead of the webhook's own"),
  }),
);
export type TemplatePreview = z.output<typeof TemplatePreviewSchema>;

export const TemplatePreviewResultSchema = responseSchema(
  'WebhookTemplatePreviewResult',
  z.object({
    body: z.string().describe('The exact bytes a delivery would carry (and sign)'),
    json: z.unknown().describe('The same body, parsed'),
  }),
);
