import type { DeliveryJob } from '@herald/deliveries';
import type { EventTypeDefinition } from '@herald/events';
import { defaultDedupKey, evaluateTemplate, formatWebhookRequest, isIncidentFormat, templateBody, TemplateEvaluationError, type WebhookFormat } from '@herald/formatters';
import { canonicalJson, signWebhook, type HeaderNames, type SignatureScheme } from '@herald/signing';
import type { HttpRequest } from './http-sender';
import { rawBody, type RawBodies } from './raw-bodies';

/** A header sent with every delivery of a webhook (its value decrypted). */
export interface ExtraHeader {
  name: string;
  value: string;
}

export interface WebhookTarget {
  id: string;
  url: string;
  format: WebhookFormat;
  signingScheme: SignatureScheme;
  timeoutMs: number;
  /** Current secret first, then any still in their rotation grace window. */
  secrets: string[];
  /** The webhook's own signature, timestamp and event header names; absent ones take the defaults. */
  headerNames?: HeaderNames & { event?: string };
  staticHeaders?: readonly ExtraHeader[];
  /** JSONata expression (or `preset:<name>`) that shapes the raw body; absent: Herald's envelope. */
  template?: string;
  /** PagerDuty routing key / Opsgenie API key (incident formats). */
  integrationKey?: string;
  /** JSONata expression giving the incident formats' dedup key; absent: defaultDedupKey. */
  dedupKey?: string;
}

export interface PrepareOptions {
  headerPrefix: string;
  userAgent: string;
  /** The event type's catalog entry: severity and category drive the chat formats' colours. */
  definition?: Pick<EventTypeDefinition, 'type' | 'severity' | 'category'>;
  now?: Date;
  /** Where a raw body without a template is looked up before it is built (a sender keeps one). */
  rawBodies?: RawBodies;
}

/**
 * Body and headers for one attempt. A raw body is the canonical envelope, or the webhook's
 * template's output serialised the same canonical way, signed over exactly those bytes, the same
 * `webhook-id` on every retry. Chat and incident formats are unsigned: those services
 * authenticate by URL or key. Static headers go first, so they can never replace Herald's own.
 * Rejects with TemplateEvaluationError when the template or dedup key expression fails on this event.
 */
export async function prepareRequest(job: DeliveryJob, target: WebhookTarget, { headerPrefix, userAgent, definition, now = new Date(), rawBodies }: PrepareOptions): Promise<HttpRequest> {
  const extra = Object.fromEntries((target.staticHeaders ?? []).map((h) => [h.name, h.value]));
  const common = { ...extra, 'content-type': 'application/json', 'user-agent': userAgent, [target.headerNames?.event ?? `${headerPrefix}Event`]: job.event.type };
  if (target.format !== 'raw') {
    const incident = isIncidentFormat(target.format) ? { integrationKey: target.integrationKey ?? '', dedupKey: await dedupKey(job, target, definition) } : undefined;
    const formatted = formatWebhookRequest(target.format, job.event, definition, { incident });
    const url = formatted.path ? target.url.replace(/\/+$/, '') + formatted.path : target.url;
    return { url, body: JSON.stringify(formatted.body), timeoutMs: target.timeoutMs, headers: { ...common, ...formatted.headers, 'webhook-id': job.delivery_id } };
  }
  const body = target.template
    ? templateBody(await evaluateTemplate(target.template, job.event, definition), canonicalJson)
    : (rawBodies?.body(job.event, definition) ?? rawBody(job.event, definition));
  const signature = signWebhook({
    scheme: target.signingScheme,
    secrets: target.secrets,
    messageId: job.delivery_id,
    timestamp: Math.floor(now.getTime() / 1000),
    body,
    headerPrefix,
    headerNames: target.headerNames,
  });
  return { url: target.url, body, timeoutMs: target.timeoutMs, headers: { ...common, ...signature } };
}

/** The webhook's dedup key expression's value (a non-empty string), else the default derived from the subject. */
async function dedupKey(job: DeliveryJob, target: WebhookTarget, definition: PrepareOptions['definition']): Promise<string> {
  if (!target.dedupKey) return defaultDedupKey(job.event, definition);
  const value = await evaluateTemplate(target.dedupKey, job.event, definition).catch((error: unknown) => {
    throw error instanceof TemplateEvaluationError ? new TemplateEvaluationError(`dedup key expression: ${error.message}`) : error;
  });
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value) === '') throw new TemplateEvaluationError(`dedup key expression gave ${JSON.stringify(value)}, not a non-empty string`);
  return String(value);
}
