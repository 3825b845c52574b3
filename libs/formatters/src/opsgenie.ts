import type { HeraldEvent } from '@herald/events';
import { detailMap, type IncidentDefinition, type IncidentOptions } from './incident';
import { truncate } from './text';
import { eventLink, eventSubject, eventSummary, eventTitle } from './view';

/** Opsgenie Alert API limits (docs.opsgenie.com, "Alert API" → Create Alert). */
export const OPSGENIE_LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  entity: 512,
  source: 100,
  /** Keys and values of `details`, counted together. */
  details: 8_000,
  detailValue: 500,
  tags: 20,
  tag: 50,
  note: 25_000,
} as const;

export interface OpsgenieCreateAlert {
  message: string;
  alias: string;
  description: string;
  details: Record<string, string>;
  entity?: string;
  source: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4' | 'P5';
  tags: string[];
}

export interface OpsgenieCloseAlert {
  source: string;
  note: string;
}

/** The request for one event: create on failure or info, close by alias on success. */
export interface OpsgenieRequest {
  /** Appended to the webhook URL (`https://api.opsgenie.com/v2/alerts`); empty for create. */
  path: string;
  body: OpsgenieCreateAlert | OpsgenieCloseAlert;
  headers: { authorization: string };
}

/**
 * An Opsgenie Alert API request: failures create a P2 alert and informational events a P5 one,
 * with the dedup key as `alias`, so a success event closes exactly that alert
 * (`POST {url}/{alias}/close?identifierType=alias`). The key travels as `Authorization: GenieKey`.
 */
export function formatOpsgenie(event: HeraldEvent, definition: IncidentDefinition | undefined, { integrationKey, dedupKey }: IncidentOptions, brand = 'Herald'): OpsgenieRequest {
  const alias = truncate(dedupKey, OPSGENIE_LIMITS.alias, '');
  const headers = { authorization: `GenieKey ${integrationKey}` };
  const source = truncate(brand, OPSGENIE_LIMITS.source);
  const title = eventTitle({ type: event.type, data: event.data });
  if (definition?.severity === 'success') {
    return { path: `/${encodeURIComponent(alias)}/close?identifierType=alias`, headers, body: { source, note: truncate(title, OPSGENIE_LIMITS.note) } };
  }
  const link = eventLink(event);
  const subject = eventSubject(event);
  const description = [eventSummary(event)?.text, link ? `${link.label}: ${link.url}` : undefined].filter(Boolean).join('\n\n') || title;
  const tags = [definition?.category, definition?.type ?? event.type].filter((t): t is string => Boolean(t)).map((t) => truncate(t, OPSGENIE_LIMITS.tag, ''));
  return {
    path: '',
    headers,
    body: {
      message: truncate(title, OPSGENIE_LIMITS.message),
      alias,
      description: truncate(description, OPSGENIE_LIMITS.description),
      details: detailMap(event, OPSGENIE_LIMITS.detailValue, OPSGENIE_LIMITS.details),
      ...(subject ? { entity: truncate(subject, OPSGENIE_LIMITS.entity) } : {}),
      source,
      priority: definition?.severity === 'failure' ? 'P2' : 'P5',
      tags: tags.slice(0, OPSGENIE_LIMITS.tags),
    },
  };
}
