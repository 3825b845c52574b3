import type { DeliveryJob } from '@herald/deliveries';
import { webhookPayload } from '@herald/events';
import { canonicalJson, signWebhook, type SignatureScheme } from '@herald/signing';
import type { HttpRequest } from './http-sender';

export interface WebhookTarget {
  id: string;
  url: string;
  format: string;
  signingScheme: SignatureScheme;
  timeoutMs: number;
  /** Current secret first, then any still in their rotation grace window. */
  secrets: string[];
}

export interface PrepareOptions {
  headerPrefix: string;
  userAgent: string;
  now?: Date;
}

/** Body and headers for one attempt: same bytes and the same `webhook-id` on every retry. */
export function prepareRequest(job: DeliveryJob, target: WebhookTarget, { headerPrefix, userAgent, now = new Date() }: PrepareOptions): HttpRequest {
  const body = canonicalJson(webhookPayload(job.event));
  const signature = signWebhook({
    scheme: target.signingScheme,
    secrets: target.secrets,
    messageId: job.delivery_id,
    timestamp: Math.floor(now.getTime() / 1000),
    body,
    headerPrefix,
  });
  return {
    url: target.url,
    body,
    timeoutMs: target.timeoutMs,
    headers: {
      'content-type': 'application/json',
      'user-agent': userAgent,
      [`${headerPrefix}Event`]: job.event.type,
      ...signature,
    },
  };
}
