import type { EventTypeDefinition, HeraldEvent } from '@herald/events';
import { moreFields, type ChatFormatOptions } from './options';
import { truncate } from './text';
import { describeEvent, isoSeconds, SEVERITY_STYLES, type EventView } from './view';

/** Discord's documented embed limits (discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** title + description + field names and values + footer text + author name, across the message. */
  total: 6000,
} as const;

/** The summary keeps at most this much of the 6,000 so the fields still have room. */
export const DISCORD_DESCRIPTION_SHARE = 2048;
/** A field cut shorter than this is dropped instead. */
const MIN_FIELD_VALUE = 16;
const FOOTER_BASE_LENGTH = 512;
/** Room kept for " · N more fields not shown". */
const MORE_NOTE_LENGTH = 40;

export interface DiscordEmbed {
  title: string;
  description?: string;
  url?: string;
  color: number;
  fields: Array<{ name: string; value: string; inline: boolean }>;
  timestamp?: string;
  footer: { text: string };
}

export interface DiscordMessage {
  embeds: [DiscordEmbed];
  /** Nothing in an event may ping @everyone or a role. */
  allowed_mentions: { parse: [] };
}

/** Characters Discord counts toward its 6,000 per message. */
export function discordEmbedLength(embed: DiscordEmbed): number {
  return embed.title.length + (embed.description?.length ?? 0) + embed.fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0) + embed.footer.text.length;
}

export function renderDiscord(view: EventView, maxFields: number = DISCORD_LIMITS.fields): DiscordMessage {
  const title = truncate(view.title, DISCORD_LIMITS.title);
  const description = view.summary ? truncate(view.summary, Math.min(DISCORD_LIMITS.description, DISCORD_DESCRIPTION_SHARE)) : undefined;
  const footerBase = truncate([view.brand, `org ${view.orgId}`, view.projectId === null ? undefined : `project ${view.projectId}`].filter(Boolean).join(' · '), FOOTER_BASE_LENGTH);

  let room = DISCORD_LIMITS.total - title.length - (description?.length ?? 0) - footerBase.length - MORE_NOTE_LENGTH;
  const fields: DiscordEmbed['fields'] = [];
  for (const detail of view.details.slice(0, Math.max(0, Math.min(maxFields, DISCORD_LIMITS.fields)))) {
    const name = truncate(detail.label, DISCORD_LIMITS.fieldName);
    let value = truncate(detail.value, DISCORD_LIMITS.fieldValue);
    if (name.length + value.length > room) {
      if (room - name.length < MIN_FIELD_VALUE) break;
      value = truncate(value, room - name.length);
    }
    fields.push({ name, value, inline: value.length <= 40 && !value.includes('\n') });
    room -= name.length + value.length;
  }

  const hidden = view.details.length - fields.length;
  const timestamp = isoSeconds(view.occurredAt);
  const embed: DiscordEmbed = {
    title,
    ...(description ? { description } : {}),
    ...(view.link ? { url: view.link.url } : {}),
    color: SEVERITY_STYLES[view.severity].rgb,
    fields,
    ...(timestamp ? { timestamp } : {}),
    footer: { text: hidden > 0 ? `${footerBase} · ${moreFields(hidden)}` : footerBase },
  };
  return { embeds: [embed], allowed_mentions: { parse: [] } };
}

/** A rich embed for a Discord channel webhook, within every documented embed limit. */
export function formatDiscord(event: HeraldEvent, definition: Pick<EventTypeDefinition, 'severity' | 'category'> | undefined, options: ChatFormatOptions = {}): DiscordMessage {
  return renderDiscord(describeEvent(event, definition, options), options.maxFields);
}
