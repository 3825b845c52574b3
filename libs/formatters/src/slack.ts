import type { EventTypeDefinition, HeraldEvent } from '@herald/events';
import type { KeyDetail } from './details';
import { DEFAULT_MAX_FIELDS, moreFields, type ChatFormatOptions } from './options';
import { truncate } from './text';
import { describeEvent, isoSeconds, SEVERITY_STYLES, type EventView } from './view';

/** Slack's documented Block Kit limits (api.slack.com/reference/block-kit). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonUrl: 3000,
  contextElements: 10,
  contextText: 3000,
  /** Top-level `text` (the notification fallback): Slack advises under 4,000. */
  text: 3000,
} as const;

interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'actions'; elements: Array<{ type: 'button'; text: PlainText; url: string; action_id: string }> }
  | { type: 'context'; elements: Mrkdwn[] };

/** An Incoming Webhook message: the header on top, the rest inside an attachment for the colour bar. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
  attachments: [{ color: string; fallback: string; blocks: SlackBlock[] }];
}

const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Escaped mrkdwn of at most `max` characters, counted after escaping and never cutting an entity. */
function mrkdwn(raw: string, max: number): string {
  const escaped = escapeMrkdwn(raw);
  if (escaped.length <= max) return escaped;
  // The longest cut of the raw text whose escaped form fits.
  let fits = 0;
  let tooLong = raw.length;
  while (tooLong - fits > 1) {
    const mid = Math.floor((fits + tooLong) / 2);
    if (escapeMrkdwn(truncate(raw, mid)).length <= max) fits = mid;
    else tooLong = mid;
  }
  return escapeMrkdwn(truncate(raw, fits));
}

function field(detail: KeyDetail): Mrkdwn {
  const label = `*${mrkdwn(detail.label.replace(/\*/g, ''), 100)}*\n`;
  return { type: 'mrkdwn', text: label + mrkdwn(detail.value, SLACK_LIMITS.fieldText - label.length) };
}

/** Slack renders `<!date^…>` in each reader's time zone; the text after `|` is the fallback. */
function contextLine(view: EventView): string {
  const iso = isoSeconds(view.occurredAt);
  const when = iso ? `<!date^${Date.parse(iso) / 1000}^{date_short_pretty} at {time_secs}|${view.time}>` : escapeMrkdwn(view.time);
  const where = [`org ${view.orgId}`, view.projectId === null ? undefined : `project ${view.projectId}`, view.brand].filter(Boolean).join(' · ');
  return `${when} · ${mrkdwn(where, SLACK_LIMITS.contextText - when.length - 3)}`;
}

export function renderSlack(view: EventView, maxFields = DEFAULT_MAX_FIELDS): SlackMessage {
  const header: SlackBlock = { type: 'header', text: { type: 'plain_text', text: truncate(view.title, SLACK_LIMITS.headerText), emoji: true } };
  const body: SlackBlock[] = [];
  if (view.summary) body.push({ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(view.summary, SLACK_LIMITS.sectionText) } });

  // Whatever else goes in (header, summary, button, context), the field sections get the rest of the 50 blocks.
  const otherBlocks = 1 + body.length + (view.link ? 1 : 0) + 1;
  const fieldRoom = (SLACK_LIMITS.blocks - otherBlocks) * SLACK_LIMITS.fieldsPerSection;
  const shown = view.details.slice(0, Math.max(0, Math.min(maxFields, fieldRoom)));
  for (let i = 0; i < shown.length; i += SLACK_LIMITS.fieldsPerSection) {
    body.push({ type: 'section', fields: shown.slice(i, i + SLACK_LIMITS.fieldsPerSection).map(field) });
  }

  if (view.link) {
    const button = { type: 'button' as const, text: { type: 'plain_text' as const, text: truncate(view.link.label, SLACK_LIMITS.buttonText), emoji: true }, url: view.link.url, action_id: 'herald_open_link' };
    body.push({ type: 'actions', elements: [button] });
  }

  const context: Mrkdwn[] = [{ type: 'mrkdwn', text: contextLine(view) }];
  const hidden = view.details.length - shown.length;
  if (hidden > 0) context.push({ type: 'mrkdwn', text: `_${moreFields(hidden)}_` });
  body.push({ type: 'context', elements: context });

  // Top-level text is parsed as mrkdwn (a subject of `<!channel>` would ping); the header and fallback are plain.
  const fallback = truncate(view.title, SLACK_LIMITS.text);
  return { text: mrkdwn(view.title, SLACK_LIMITS.text), blocks: [header], attachments: [{ color: SEVERITY_STYLES[view.severity].hex, fallback, blocks: body }] };
}

/** A Block Kit message for a Slack Incoming Webhook, within Slack's documented limits. */
export function formatSlack(event: HeraldEvent, definition: Pick<EventTypeDefinition, 'severity' | 'category'> | undefined, options: ChatFormatOptions = {}): SlackMessage {
  return renderSlack(describeEvent(event, definition, options), options.maxFields);
}
