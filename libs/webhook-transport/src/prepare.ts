import type { DeliveryJob } from '@herald/deliveries';
import type { EventTypeDefinition } from '@herald/events';
import { formatWebhookBody, type WebhookFormat } from '@herald/formatters';
import { canonicalJson, signWebhook, type SignatureScheme } from '@herald/signing';
import type { HttpRequest } from './http-sender';

export interface WebhookTarget {
  id: string;
  url: string;
  format: WebhookFormat;
  signingScheme: SignatureScheme;
  timeoutMs: number;
  /** Current secret first, then any still in their rotation grace window. */
  secrets: string[];
}

export interface PrepareOptions {
  headerPrefix: string;
  userAgent: string;
  /** The event type's catalog entry: severity and category drive the chat formats' colours. */
  definition?: Pick<EventTypeDefinition, 'severity' | 'category'>;
  now?: Date;
}

/**
 * Body and headers for one attempt. A raw body is the canonical envelope, signed, the same
 * bytes and `webhook-id` on every retry. Slack, Teams and Discord bodies are unsigned: those
 * services authenticate by URL.
 */
export function prepareRequest(job: DeliveryJob, target: WebhookTarget, { headerPrefix, userAgent, definition, now = new Date() }: PrepareOptions): HttpRequest {
  const common = { 'content-type': 'application/json', 'user-agent': userAgent, [`${headerPrefix}Event`]: job.event.type };
  if (target.format !== 'raw') {
    const body = JSON.stringify(formatWebhookBody(target.format, job.event, definition));
    return { url: target.url, body, timeoutMs: target.timeoutMs, headers: { ...common, 'webhook-id': job.delivery_id } };
  }
  const body = canonicalJson(formatWebhookBody('raw', job.event, definition));
  const signature = signWebhook({
    scheme: target.signingScheme,
    secrets: target.secrets,
    messageId: job.delivery_id,
    timestamp: Math.floor(now.getTime() / 1000),
    body,
    headerPrefix,
  });
  return { url: target.url, body, timeoutMs: target.timeoutMs, headers: { ...common, ...signature } };
}
