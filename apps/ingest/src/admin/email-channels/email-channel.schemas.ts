import { z } from 'zod';
import { listSchema, timestamp } from '../openapi/common-schemas';
import { requestSchema, responseSchema } from '../openapi/schemas';
import { eventTypesField, filterField, filterView, projectIdsField } from '../subscriptions';

const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;

const SmtpInputSchema = requestSchema(
  'EmailChannelSmtpInput',
  z.strictObject({
    host: z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or address'),
    port: z.number().int().min(1).max(65535).optional().describe('Default 587, or 465 with security tls'),
    security: z.enum(SMTP_SECURITY).default('starttls').describe('starttls (required), tls (implicit) or none'),
    username: z.string().max(256).nullable().optional(),
    password: z.string().max(1024).nullable().optional().describe('Stored encrypted, never returned. On update, leave it out to keep the stored one, null to clear it'),
    from: z.string().trim().min(3).max(320).describe('Sender, e.g. "Alerts <alerts@example.com>"'),
  }),
  "The channel's own SMTP server; when absent the deployment's is used",
);
export type SmtpInput = z.output<typeof SmtpInputSchema>;

const fields = {
  name: z.string().max(200).describe('A label, e.g. "Deploy failures → DevOps team"'),
  recipients: z.array(z.email()).min(1).describe('Up to 20 addresses (HERALD_MAX_RECIPIENTS_PER_CHANNEL)'),
  events: eventTypesField,
  project_ids: projectIdsField,
  filter: filterField,
  enabled: z.boolean(),
  smtp: SmtpInputSchema.nullable(),
};

export const CreateEmailChannelSchema = requestSchema(
  'CreateEmailChannel',
  z.strictObject({
    ...fields,
    name: fields.name.default(''),
    events: fields.events.default([]),
    project_ids: fields.project_ids.default([]),
    filter: fields.filter.default(null),
    enabled: fields.enabled.default(true),
    smtp: fields.smtp.default(null),
  }),
);
export type CreateEmailChannel = z.output<typeof CreateEmailChannelSchema>;

export const UpdateEmailChannelSchema = requestSchema('UpdateEmailChannel', z.strictObject(fields).partial());
export type UpdateEmailChannel = z.output<typeof UpdateEmailChannelSchema>;

export const EmailChannelSchema = responseSchema(
  'EmailChannel',
  z.object({
    id: z.string(),
    name: z.string(),
    recipients: z.array(z.string()),
    events: z.array(z.string()),
    project_ids: z.array(z.string()),
    filter: filterView,
    enabled: z.boolean(),
    smtp: z
      .object({
        host: z.string(),
        port: z.number().int().nullable(),
        security: z.enum(SMTP_SECURITY),
        username: z.string().nullable(),
        from: z.string().nullable(),
        password_set: z.boolean().describe('Whether a password is stored (it is never returned)'),
      })
      .nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);
export type EmailChannelView = z.output<typeof EmailChannelSchema>;

export const EmailChannelListSchema = listSchema('EmailChannelList', EmailChannelSchema);

export const EmailTestResultSchema = responseSchema(
  'EmailTestResult',
  z.object({
    ok: z.boolean().describe('The server accepted the message for at least one recipient'),
    server: z.string().nullable().describe('host:port tried; null when no server is configured'),
    response_code: z.number().int().nullable().describe("The SMTP server's reply code; null when it never answered"),
    response: z.string().describe("The server's reply line, or why there was none"),
    accepted: z.array(z.string()),
    rejected: z.array(z.object({ address: z.string(), response: z.string() })),
    latency_ms: z.number().int(),
  }),
);
export type EmailTestResultView = z.output<typeof EmailTestResultSchema>;
