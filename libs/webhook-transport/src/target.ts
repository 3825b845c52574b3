import { isWebhookFormat } from '@herald/formatters';
import type { SignatureScheme } from '@herald/signing';
import type { WebhookTarget } from './prepare';

/** The stored settings a target is made of (a WebhookEntity has them). */
export interface StoredWebhook {
  id: string;
  url: string;
  format: string;
  signingScheme: string;
  timeoutMs: number | null;
  signatureHeader?: string | null;
  timestampHeader?: string | null;
  eventHeader?: string | null;
  staticHeaders?: readonly { name: string; value: string }[];
  payloadTemplate?: string | null;
  integrationKey?: string | null;
  dedupKey?: string | null;
}

/** Where and how to send to a stored webhook; shared by the sender and the admin API's test ping. */
export function webhookTarget(webhook: StoredWebhook, secrets: string[], defaultTimeoutMs: number): WebhookTarget {
  return {
    id: webhook.id,
    url: webhook.url,
    // The API only stores known formats; anything else is sent raw rather than dropped.
    format: isWebhookFormat(webhook.format) ? webhook.format : 'raw',
    signingScheme: webhook.signingScheme as SignatureScheme,
    timeoutMs: webhook.timeoutMs ?? defaultTimeoutMs,
    secrets,
    headerNames: {
      signature: webhook.signatureHeader ?? undefined,
      timestamp: webhook.timestampHeader ?? undefined,
      event: webhook.eventHeader ?? undefined,
    },
    staticHeaders: (webhook.staticHeaders ?? []).map(({ name, value }) => ({ name, value })),
    template: webhook.payloadTemplate ?? undefined,
    integrationKey: webhook.integrationKey ?? undefined,
    dedupKey: webhook.dedupKey ?? undefined,
  };
}
