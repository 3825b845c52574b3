import { z } from 'zod';
import { WEBHOOK_FORMATS } from '@herald/formatters';
import { parseDuration } from '@herald/kafka';
import { DEFAULT_RETRY_SCHEDULE } from '@herald/persistence';
import { SIGNATURE_SCHEMES } from '@herald/signing';
import { listSchema, timestamp } from '../openapi/common-schemas';
import { requestSchema, responseSchema } from '../openapi/schemas';
import { eventTypesField, projectIdsField } from '../subscriptions';

const delay = z.string().refine((text) => {
  try {
    const ms = parseDuration(text);
    return ms >= 1000 && ms <= 7 * 86_400_000;
  } catch {
    return false;
  }
}, 'each delay looks like 30s, 5m or 2h, between 1s and 7d');

/** Fields a client may set on a webhook; no defaults here, so PATCH leaves what is absent alone. */
const fields = {
  url: z.string().max(2048).describe('https URL; must resolve to public addresses only'),
  description: z.string().max(500),
  format: z.enum(WEBHOOK_FORMATS).describe('raw (signed JSON), slack, teams or discord'),
  signing_scheme: z.enum(SIGNATURE_SCHEMES).describe('How raw deliveries are signed'),
  events: eventTypesField,
  project_ids: projectIdsField,
  enabled: z.boolean(),
  retry_schedule: z.array(delay).min(1).max(20).describe('Delays between attempts; its length is the number of retries'),
  timeout_ms: z.number().int().min(100).max(30_000).nullable().describe('Per-attempt timeout; null for the deployment default'),
  rate_limit: z.number().int().min(1).max(10_000).nullable().describe('At most this many requests per second to the endpoint, evenly spaced; deliveries wait their turn, which is not an attempt. null: unlimited'),
  client_errors_final: z.boolean().describe('Treat 4xx other than 408/409/425/429 as final'),
  pause_after_failures: z.number().int().min(0).max(1000).describe('Pause after this many failed deliveries in a row; 0 never pauses'),
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
    enabled: fields.enabled.default(true),
    retry_schedule: fields.retry_schedule.default([...DEFAULT_RETRY_SCHEDULE]),
    timeout_ms: fields.timeout_ms.default(null),
    rate_limit: fields.rate_limit.default(null),
    client_errors_final: fields.client_errors_final.default(false),
    pause_after_failures: fields.pause_after_failures.default(10),
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
    enabled: z.boolean(),
    paused: z.boolean(),
    paused_at: timestamp.nullable(),
    consecutive_failures: z.number().int(),
    retry_schedule: z.array(z.string()),
    timeout_ms: z.number().int().nullable(),
    rate_limit: z.number().int().nullable(),
    client_errors_final: z.boolean(),
    pause_after_failures: z.number().int(),
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
