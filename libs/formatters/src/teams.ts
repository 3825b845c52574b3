import type { EventTypeDefinition, HeraldEvent } from '@herald/events';
import { DEFAULT_MAX_FIELDS, moreFields, type ChatFormatOptions } from './options';
import { jsonBytes, truncate } from './text';
import { describeEvent, isoSeconds, SEVERITY_STYLES, type EventView } from './view';

/**
 * Teams rejects messages over about 28 KB. The body stays under this many bytes of compact JSON,
 * leaving headroom for the sender's serialisation.
 */
export const TEAMS_MAX_BYTES = 27_000;
export const TEAMS_FACT_TITLE_LENGTH = 100;

export interface TeamsTextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  size?: 'Small' | 'Default' | 'Medium' | 'Large';
  weight?: 'Bolder';
  color?: 'Good' | 'Attention' | 'Accent';
  isSubtle?: boolean;
  spacing?: 'Medium';
}
export interface TeamsFact {
  title: string;
  value: string;
}
export type TeamsElement =
  | TeamsTextBlock
  | { type: 'Container'; style: 'good' | 'attention' | 'accent'; bleed: true; items: TeamsTextBlock[] }
  | { type: 'FactSet'; facts: TeamsFact[] };

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: TeamsElement[];
  actions?: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>;
  msteams: { width: 'Full' };
}

/** What a Teams Incoming Webhook or Workflows "post to a channel" trigger accepts. */
export interface TeamsMessage {
  type: 'message';
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }];
}

/** Teams shows `{{DATE()}}`/`{{TIME()}}` in each reader's time zone. */
function contextText(view: EventView): string {
  const iso = isoSeconds(view.occurredAt);
  const when = iso ? `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}` : view.time;
  const where = [`org ${view.orgId}`, view.projectId === null ? undefined : `project ${view.projectId}`, view.brand].filter(Boolean).join(' · ');
  return `${when} · ${truncate(where, 600)}`;
}

export function renderTeams(view: EventView, maxFields = DEFAULT_MAX_FIELDS): TeamsMessage {
  const style = SEVERITY_STYLES[view.severity].teams;
  const title: TeamsTextBlock = { type: 'TextBlock', text: truncate(view.title, 300), size: 'Large', weight: 'Bolder', color: style, wrap: true };
  const body: TeamsElement[] = [{ type: 'Container', style: style.toLowerCase() as 'good' | 'attention' | 'accent', bleed: true, items: [title] }];
  const summary: TeamsTextBlock | undefined = view.summary ? { type: 'TextBlock', text: view.summary, wrap: true } : undefined;
  if (summary) body.push(summary);
  const facts: TeamsFact[] = [];
  const context: TeamsTextBlock = { type: 'TextBlock', text: contextText(view), wrap: true, size: 'Small', isSubtle: true, spacing: 'Medium' };

  const card: AdaptiveCard = { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body, msteams: { width: 'Full' } };
  if (view.link) card.actions = [{ type: 'Action.OpenUrl', title: truncate(view.link.label, 100), url: view.link.url }];
  const message: TeamsMessage = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };

  // Facts go in while they fit, leaving room for the FactSet itself and the "more" note.
  const reserve = jsonBytes({ type: 'FactSet', facts: [] }) + jsonBytes({ type: 'TextBlock', text: moreFields(1e6), wrap: true, size: 'Small', isSubtle: true }) + 8;
  let bytes = jsonBytes(message) + jsonBytes(context) + 1 + reserve;
  // Only a summary longer than callers normally allow can overflow on its own: shorten it to fit.
  while (summary?.text && bytes > TEAMS_MAX_BYTES) {
    summary.text = truncate(summary.text, summary.text.length - Math.ceil((bytes - TEAMS_MAX_BYTES) / 6) - 1);
    bytes = jsonBytes(message) + jsonBytes(context) + 1 + reserve;
  }
  for (const detail of view.details.slice(0, Math.max(0, maxFields))) {
    const fact = { title: truncate(detail.label, TEAMS_FACT_TITLE_LENGTH), value: detail.value };
    const size = jsonBytes(fact) + 1;
    if (bytes + size > TEAMS_MAX_BYTES) break;
    facts.push(fact);
    bytes += size;
  }
  if (facts.length > 0) body.push({ type: 'FactSet', facts });
  const hidden = view.details.length - facts.length;
  if (hidden > 0) body.push({ type: 'TextBlock', text: moreFields(hidden), wrap: true, size: 'Small', isSubtle: true });
  body.push(context);
  return message;
}

/** An Adaptive Card message for Microsoft Teams, under Teams' ~28 KB message limit. */
export function formatTeams(event: HeraldEvent, definition: Pick<EventTypeDefinition, 'severity' | 'category'> | undefined, options: ChatFormatOptions = {}): TeamsMessage {
  return renderTeams(describeEvent(event, definition, options), options.maxFields);
}
