import type { DeliveryJob } from '@herald/deliveries';
import type { EventTypeDefinition } from '@herald/events';
import { evaluateTemplate, formatWebhookBody, templateBody, type WebhookFormat } from '@herald/formatters';
import { canonicalJson, signWebhook, type HeaderNames, type SignatureScheme } from '@herald/signing';
import type { HttpRequest } from './http-sender';

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
}

export interface PrepareOptions {
  headerPrefix: string;
  userAgent: string;
  /** The event type's catalog entry: severity and category drive the chat formats' colours. */
  definition?: Pick<EventTypeDefinition, 'type' | 'severity' | 'category'>;
  now?: Date;
}

/**
 * Body and headers for one attempt. A raw body is the canonical envelope, or the webhook's
 * template's output serialised the same canonical way, signed over exactly those bytes, the same
 * `webhook-id` on every retry. Slack, Teams and Discord bodies are unsigned: those services
 * authenticate by URL. Static headers go first, so they can never replace Herald's own.
 * Rejects with TemplateEvaluationError when the template fails on this event.
 */
export async function prepareRequest(job: DeliveryJob, target: WebhookTarget, { headerPrefix, userAgent, definition, now = new Date() }: PrepareOptions): Promise<HttpRequest> {
  const extra = Object.fromEntries((target.staticHeaders ?? []).map((h) => [h.name, h.value]));
  const common = { ...extra, 'content-type': 'application/json', 'user-agent': userAgent, [target.headerNames?.event ?? `${headerPrefix}Event`]: job.event.type };
  if (target.format !== 'raw') {
    const body = JSON.stringify(formatWebhookBody(target.format, job.event, definition));
    return { url: target.url, body, timeoutMs: target.timeoutMs, headers: { ...common, 'webhook-id': job.delivery_id } };
  }
  const body = target.template
    ? templateBody(await evaluateTemplate(target.template, job.event, definition), canonicalJson)
    : canonicalJson(formatWebhookBody('raw', job.event, definition));
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
