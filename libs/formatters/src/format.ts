import { webhookPayload, type EventTypeDefinition, type HeraldEvent } from '@herald/events';
import { formatDiscord, type DiscordMessage } from './discord';
import type { ChatFormatOptions } from './options';
import { formatSlack, type SlackMessage } from './slack';
import { formatTeams, type TeamsMessage } from './teams';

export const WEBHOOK_FORMATS = ['raw', 'slack', 'teams', 'discord'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const isWebhookFormat = (value: unknown): value is WebhookFormat => (WEBHOOK_FORMATS as readonly unknown[]).includes(value);

export type RawBody = ReturnType<typeof webhookPayload>;
export type WebhookBody = RawBody | SlackMessage | TeamsMessage | DiscordMessage;

/** The envelope of the wire contract, unchanged (the sender serialises it canonically and signs it). */
export function formatRaw(event: HeraldEvent): RawBody {
  return webhookPayload(event);
}

/**
 * The body a webhook of this format receives for the event. `definition` is the event's catalog
 * entry (severity drives colours); an unknown type renders as info.
 */
export function formatWebhookBody(
  format: WebhookFormat,
  event: HeraldEvent,
  definition: Pick<EventTypeDefinition, 'severity' | 'category'> | undefined,
  options: ChatFormatOptions = {},
): WebhookBody {
  switch (format) {
    case 'raw':
      return formatRaw(event);
    case 'slack':
      return formatSlack(event, definition, options);
    case 'teams':
      return formatTeams(event, definition, options);
    case 'discord':
      return formatDiscord(event, definition, options);
    default:
      throw new Error(`unknown webhook format '${String(format satisfies never)}'`);
  }
}
