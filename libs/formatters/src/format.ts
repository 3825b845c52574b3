import { webhookPayload, type EventTypeDefinition, type HeraldEvent } from '@herald/events';
import { formatDiscord, type DiscordMessage } from './discord';
import type { IncidentDefinition, IncidentOptions } from './incident';
import type { ChatFormatOptions } from './options';
import { formatOpsgenie, type OpsgenieCloseAlert, type OpsgenieCreateAlert } from './opsgenie';
import { formatPagerDuty, type PagerDutyEvent } from './pagerduty';
import { formatSlack, type SlackMessage } from './slack';
import { formatTeams, type TeamsMessage } from './teams';

export type WebhookFormat = 'raw' | 'slack' | 'teams' | 'discord' | 'pagerduty' | 'opsgenie';

export type RawBody = ReturnType<typeof webhookPayload>;
export type WebhookBody = RawBody | SlackMessage | TeamsMessage | DiscordMessage | PagerDutyEvent | OpsgenieCreateAlert | OpsgenieCloseAlert;

export interface FormatOptions extends ChatFormatOptions {
  /** Required by the incident formats (pagerduty, opsgenie). */
  incident?: IncidentOptions;
}

/** What a webhook of a format sends: the body, and for some services a URL path and headers of their own. */
export interface FormattedRequest {
  body: WebhookBody;
  /** Appended to the webhook's URL (Opsgenie's close-by-alias). */
  path?: string;
  headers?: Record<string, string>;
}

type Definition = (Pick<EventTypeDefinition, 'severity' | 'category'> & { type?: string }) | undefined;

interface FormatEntry {
  request(event: HeraldEvent, definition: Definition, options: FormatOptions): FormattedRequest;
  /** Signed with the webhook's secret; the others authenticate by URL (chat) or key (incident tools). */
  signed: boolean;
  /** Needs `options.incident` (an integration key and a dedup key). */
  incident: boolean;
}

function incident(format: WebhookFormat, options: FormatOptions): IncidentOptions {
  if (!options.incident) throw new Error(`the ${format} format needs an integration key and a dedup key`);
  return options.incident;
}

/** Every format, one entry each. */
const FORMATS: Readonly<Record<WebhookFormat, FormatEntry>> = {
  // The envelope of the wire contract, unchanged (the sender serialises it canonically and signs it).
  raw: { request: (event) => ({ body: webhookPayload(event) }), signed: true, incident: false },
  slack: { request: (event, definition, options) => ({ body: formatSlack(event, definition, options) }), signed: false, incident: false },
  teams: { request: (event, definition, options) => ({ body: formatTeams(event, definition, options) }), signed: false, incident: false },
  discord: { request: (event, definition, options) => ({ body: formatDiscord(event, definition, options) }), signed: false, incident: false },
  pagerduty: {
    request: (event, definition, options) => ({ body: formatPagerDuty(event, definition as IncidentDefinition, incident('pagerduty', options), options.brand) }),
    signed: false,
    incident: true,
  },
  opsgenie: { request: (event, definition, options) => formatOpsgenie(event, definition as IncidentDefinition, incident('opsgenie', options), options.brand), signed: false, incident: true },
};

export const WEBHOOK_FORMATS = Object.keys(FORMATS) as readonly WebhookFormat[];

export const isWebhookFormat = (value: unknown): value is WebhookFormat => typeof value === 'string' && Object.hasOwn(FORMATS, value);

/** True for the formats that carry an integration key (PagerDuty routing key, Opsgenie API key). */
export const isIncidentFormat = (format: WebhookFormat): boolean => FORMATS[format].incident;

/** The envelope of the wire contract, unchanged (the sender serialises it canonically and signs it). */
export function formatRaw(event: HeraldEvent): RawBody {
  return webhookPayload(event);
}

/**
 * The request a webhook of this format sends for the event. `definition` is the event's catalog
 * entry (severity drives colours and the incident actions); an unknown type renders as info.
 */
export function formatWebhookRequest(format: WebhookFormat, event: HeraldEvent, definition: Definition, options: FormatOptions = {}): FormattedRequest {
  if (!isWebhookFormat(format)) throw new Error(`unknown webhook format '${String(format)}'`);
  return FORMATS[format].request(event, definition, options);
}

/** The body alone (see formatWebhookRequest). */
export function formatWebhookBody(format: WebhookFormat, event: HeraldEvent, definition: Definition, options: FormatOptions = {}): WebhookBody {
  return formatWebhookRequest(format, event, definition, options).body;
}
