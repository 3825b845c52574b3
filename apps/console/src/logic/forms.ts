/** Messages per form field, keyed by the API's top-level field name. */
export type FieldErrors = Record<string, string>;

/** What the admin API answers on an error: RFC 9457 problem details, field named where there is one. */
export interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  field?: string;
  errors?: { field: string; message: string }[];
}

/**
 * Where a problem is shown: each field error next to its field (`retry_schedule.2` belongs to
 * `retry_schedule`), the rest above the form.
 */
export function problemMessages(problem: Problem, fields: readonly string[]): { fields: FieldErrors; general: string | null } {
  const byField: FieldErrors = {};
  const entries = problem.errors?.length ? problem.errors : problem.field ? [{ field: problem.field, message: problem.detail ?? problem.title ?? 'invalid' }] : [];
  const unplaced: string[] = [];
  for (const { field, message } of entries) {
    const top = field.split('.')[0];
    if (fields.includes(top)) byField[top] = byField[top] ? `${byField[top]}; ${message}` : message;
    else unplaced.push(field ? `${field}: ${message}` : message);
  }
  const general = unplaced.length ? unplaced.join('; ') : Object.keys(byField).length ? null : (problem.detail ?? problem.title ?? 'The request failed');
  return { fields: byField, general };
}

/** A list typed as text: commas, spaces or new lines separate the items. */
export function listOf(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

const DELAY = /^\d+(s|m|h|d)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function integer(text: string, field: string, label: string, min: number, max: number, errors: FieldErrors): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) errors[field] = `${label} is a whole number from ${min} to ${max}`;
  return value;
}

export interface WebhookFormValues {
  url: string;
  description: string;
  format: string;
  signing_scheme: string;
  events: string;
  project_ids: string;
  retry_schedule: string;
  timeout_ms: string;
  rate_limit: string;
  client_errors_final: boolean;
  pause_after_failures: string;
  ordering: string;
  max_in_flight: string;
}

export interface WebhookFields {
  url: string;
  description: string;
  format: 'raw' | 'slack' | 'teams' | 'discord';
  signing_scheme: 'standard' | 'hmac-sha256' | 'timestamped' | 'github';
  events: string[];
  project_ids: string[];
  retry_schedule: string[];
  timeout_ms: number | null;
  rate_limit: number | null;
  client_errors_final: boolean;
  pause_after_failures: number;
  ordering: 'key' | 'endpoint' | 'none';
  max_in_flight: number;
}

export const WEBHOOK_DEFAULTS: WebhookFormValues = {
  url: '',
  description: '',
  format: 'raw',
  signing_scheme: 'standard',
  events: '',
  project_ids: '',
  retry_schedule: '5s, 30s, 2m, 10m, 1h, 6h',
  timeout_ms: '',
  rate_limit: '',
  client_errors_final: false,
  pause_after_failures: '10',
  ordering: 'key',
  max_in_flight: '16',
};

/** A stored webhook as the form shows it. */
export function webhookFormValues(webhook: Omit<WebhookFields, 'format' | 'signing_scheme' | 'ordering'> & { format: string; signing_scheme: string; ordering: string }): WebhookFormValues {
  return {
    url: webhook.url,
    description: webhook.description,
    format: webhook.format,
    signing_scheme: webhook.signing_scheme,
    events: webhook.events.join(', '),
    project_ids: webhook.project_ids.join(', '),
    retry_schedule: webhook.retry_schedule.join(', '),
    timeout_ms: webhook.timeout_ms === null ? '' : String(webhook.timeout_ms),
    rate_limit: webhook.rate_limit === null ? '' : String(webhook.rate_limit),
    client_errors_final: webhook.client_errors_final,
    pause_after_failures: String(webhook.pause_after_failures),
    ordering: webhook.ordering,
    max_in_flight: String(webhook.max_in_flight),
  };
}

/** The form checked in the browser first (the API checks again and has the last word). */
export function webhookFields(values: WebhookFormValues): { fields: WebhookFields; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const url = values.url.trim();
  if (!/^https?:\/\/[^\s/]+/.test(url)) errors.url = 'Enter the full URL, starting with https://';
  const retrySchedule = listOf(values.retry_schedule);
  if (retrySchedule.length === 0) errors.retry_schedule = 'Give at least one delay, e.g. 30s, 5m, 2h';
  else if (retrySchedule.some((d) => !DELAY.test(d))) errors.retry_schedule = `Each delay looks like 30s, 5m or 2h: ${retrySchedule.filter((d) => !DELAY.test(d)).join(', ')}`;
  const timeout = integer(values.timeout_ms, 'timeout_ms', 'Timeout', 100, 30_000, errors);
  const rateLimit = integer(values.rate_limit, 'rate_limit', 'Rate limit', 1, 10_000, errors);
  const pauseAfter = integer(values.pause_after_failures, 'pause_after_failures', 'Pause threshold', 0, 1000, errors);
  const maxInFlight = integer(values.max_in_flight, 'max_in_flight', 'Requests in flight', 1, 64, errors);
  return {
    fields: {
      url,
      description: values.description.trim(),
      format: values.format as WebhookFields['format'],
      signing_scheme: values.signing_scheme as WebhookFields['signing_scheme'],
      events: listOf(values.events),
      project_ids: listOf(values.project_ids),
      retry_schedule: retrySchedule,
      timeout_ms: timeout,
      rate_limit: rateLimit,
      client_errors_final: values.client_errors_final,
      pause_after_failures: pauseAfter ?? 10,
      ordering: values.ordering as WebhookFields['ordering'],
      max_in_flight: maxInFlight ?? 16,
    },
    errors,
  };
}

export interface EmailChannelFormValues {
  name: string;
  recipients: string;
  events: string;
  project_ids: string;
  smtp_host: string;
  smtp_port: string;
  smtp_security: string;
  smtp_username: string;
  smtp_password: string;
  smtp_from: string;
}

export const EMAIL_CHANNEL_DEFAULTS: EmailChannelFormValues = { name: '', recipients: '', events: '', project_ids: '', smtp_host: '', smtp_port: '', smtp_security: 'starttls', smtp_username: '', smtp_password: '', smtp_from: '' };

/** A stored channel as the form shows it; the SMTP password is write-only, so its field starts empty (empty keeps it). */
export function emailChannelFormValues(channel: { name: string; recipients: string[]; events: string[]; project_ids: string[]; smtp: { host: string; port: number | null; security: string; username: string | null; from: string | null } | null }): EmailChannelFormValues {
  return {
    name: channel.name,
    recipients: channel.recipients.join(', '),
    events: channel.events.join(', '),
    project_ids: channel.project_ids.join(', '),
    smtp_host: channel.smtp?.host ?? '',
    smtp_port: channel.smtp?.port ? String(channel.smtp.port) : '',
    smtp_security: channel.smtp?.security ?? 'starttls',
    smtp_username: channel.smtp?.username ?? '',
    smtp_password: '',
    smtp_from: channel.smtp?.from ?? '',
  };
}

export interface EmailChannelFields {
  name: string;
  recipients: string[];
  events: string[];
  project_ids: string[];
  smtp: { host: string; port?: number; security: 'starttls' | 'tls' | 'none'; username?: string; password?: string; from: string } | null;
}

export const MAX_RECIPIENTS = 20;

/** An email channel form: up to 20 recipients, and a per-channel SMTP server only when a host is given. */
export function emailChannelFields(values: EmailChannelFormValues): { fields: EmailChannelFields; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const recipients = listOf(values.recipients);
  if (recipients.length === 0) errors.recipients = 'Add at least one email address';
  else if (recipients.length > MAX_RECIPIENTS) errors.recipients = `At most ${MAX_RECIPIENTS} recipients (${recipients.length} given)`;
  else if (recipients.some((r) => !EMAIL.test(r))) errors.recipients = `Not an email address: ${recipients.filter((r) => !EMAIL.test(r)).join(', ')}`;
  const host = values.smtp_host.trim();
  const port = integer(values.smtp_port, 'smtp', 'Port', 1, 65_535, errors);
  if (host && !values.smtp_from.trim()) errors.smtp = 'An own SMTP server needs a From address';
  const optional = (text: string) => (text.trim() ? text.trim() : undefined);
  return {
    fields: {
      name: values.name.trim(),
      recipients,
      events: listOf(values.events),
      project_ids: listOf(values.project_ids),
      smtp: host
        ? { host, port: port ?? undefined, security: values.smtp_security as 'starttls' | 'tls' | 'none', username: optional(values.smtp_username), password: optional(values.smtp_password), from: values.smtp_from.trim() }
        : null,
    },
    errors,
  };
}
