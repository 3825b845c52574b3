import type { EventTypeDefinition, HeraldEvent, Severity } from '@herald/events';
import { describeEvent, eventSubject, humanizeEventType, moreFields, truncate, type EventView } from '@herald/formatters';
import { escapeHtml } from './escape';

/**
 * Header colours by catalog severity: green success, red failure, blue information. Darker than
 * the chat formats' accent colours because white text sits on them (WCAG AA contrast, ≥ 4.5:1).
 */
export const SEVERITY_COLOURS: Readonly<Record<Severity, string>> = { success: '#1a7f37', failure: '#cf222e', info: '#0969da' };
const SEVERITY_LABELS: Readonly<Record<Severity, string>> = { success: 'Success', failure: 'Failure', info: 'Information' };

export interface EmailContent {
  event: HeraldEvent;
  /** The catalog's entry for the event's type; an unknown type reads as information. */
  definition: Pick<EventTypeDefinition, 'severity' | 'category' | 'description'> | undefined;
  /** Where recipients manage their notifications (footer link). */
  settingsUrl: string;
  /** The channel's label, to say in the footer why this arrived. */
  channelName?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif";
const MAX_SUBJECT = 200;
/** Rows in the details table; the rest are counted, not shown. */
const MAX_DETAIL_ROWS = 30;
const MAX_VALUE_LENGTH = 500;

interface Row {
  label: string;
  value: string;
}

/**
 * One notification as a subject, an HTML body and its plain-text alternative, saying what the
 * chat formats say (@herald/formatters picks title, summary, details and link). The HTML is
 * tables and inline styles only, what Outlook, Gmail and Apple Mail all render, with no external
 * images or stylesheets; every value from the event is escaped.
 */
export function renderEmail(content: EmailContent): RenderedEmail {
  const view = describeEvent(content.event, content.definition, { maxValueLength: MAX_VALUE_LENGTH });
  const subject = oneLine(view.title, MAX_SUBJECT);
  const rows = detailRows(view);
  return { subject, html: renderHtml(content, view, rows, subject), text: renderText(content, view, rows, subject) };
}

/** The event's details, then its project and time from the envelope, bounded. */
function detailRows(view: EventView): { rows: Row[]; hidden: number } {
  const rows: Row[] = view.details.map(({ label, value }) => ({ label, value }));
  if (view.projectId && !rows.some((r) => r.label === 'Project')) rows.push({ label: 'Project', value: view.projectId });
  rows.push({ label: 'Time', value: view.time });
  if (rows.length <= MAX_DETAIL_ROWS) return { rows, hidden: 0 };
  // Keep the time, drop the least telling fields (formatters orders them most telling first).
  return { rows: [...rows.slice(0, MAX_DETAIL_ROWS - 1), rows[rows.length - 1]], hidden: rows.length - MAX_DETAIL_ROWS };
}


function renderHtml(content: EmailContent, view: EventView, { rows, hidden }: { rows: Row[]; hidden: number }, subject: string): string {
  const e = escapeHtml;
  const colour = SEVERITY_COLOURS[view.severity];
  const about = eventSubject(content.event);
  const paragraph = (text: string) => `<p style="margin:0 0 16px;font-size:15px;line-height:22px;color:#1f2328;">${e(text).replace(/\n/g, '<br>')}</p>`;
  const tableRows = rows
    .map(
      (r) =>
        `<tr><th align="left" valign="top" style="padding:8px 12px 8px 0;border-bottom:1px solid #eaeef2;font-weight:600;color:#57606a;white-space:nowrap;width:120px;">${e(r.label)}</th>` +
        `<td valign="top" style="padding:8px 0;border-bottom:1px solid #eaeef2;color:#1f2328;word-break:break-word;">${e(r.value)}</td></tr>`,
    )
    .join('\n');
  const more = hidden > 0 ? `<p style="margin:8px 0 0;font-size:12px;color:#57606a;">${e(moreFields(hidden))}</p>` : '';
  const button = view.link
    ? `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top:24px;"><tr><td bgcolor="${colour}" style="background-color:${colour};border-radius:6px;">` +
      `<a href="${e(view.link.url)}" style="display:inline-block;padding:10px 18px;font-family:${FONT};font-size:14px;font-weight:600;color:#ffffff;text-decoration:none;">${e(view.link.label)}</a></td></tr></table>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f6f8fa;">
<div style="display:none;max-height:0;overflow:hidden;">${e(view.summary ?? content.definition?.description ?? view.title)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f6f8fa" style="background-color:#f6f8fa;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #d0d7de;border-radius:6px;font-family:${FONT};">
<tr><td bgcolor="${colour}" style="background-color:${colour};padding:20px 24px;border-radius:6px 6px 0 0;font-family:${FONT};">
<div style="font-size:12px;line-height:16px;letter-spacing:1px;text-transform:uppercase;color:#ffffff;">${e(SEVERITY_LABELS[view.severity])} · ${e(content.event.type)}</div>
<div style="margin-top:6px;font-size:22px;line-height:28px;font-weight:600;color:#ffffff;">${e(humanizeEventType(content.event.type))}</div>
${about ? `<div style="margin-top:4px;font-size:15px;line-height:20px;color:#ffffff;">${e(truncate(about, MAX_VALUE_LENGTH))}</div>` : ''}
</td></tr>
<tr><td style="padding:24px;font-family:${FONT};font-size:14px;line-height:20px;">
${content.definition?.description ? paragraph(content.definition.description) : ''}${view.summary ? paragraph(view.summary) : ''}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="font-size:14px;line-height:20px;font-family:${FONT};">
${tableRows}
</table>
${more}${button}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #d0d7de;font-family:${FONT};font-size:12px;line-height:18px;color:#57606a;">
${footerReason(content, e)} <a href="${e(content.settingsUrl)}" style="color:#0550ae;">Manage notification settings</a><br>
Sent by ${e(view.brand)} · event ${e(content.event.id)}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

function renderText(content: EmailContent, view: EventView, { rows, hidden }: { rows: Row[]; hidden: number }, subject: string): string {
  const width = Math.max(...rows.map((r) => r.label.length));
  const lines = [subject, '='.repeat(Math.min(subject.length, 72)), ''];
  if (content.definition?.description) lines.push(content.definition.description, '');
  if (view.summary) lines.push(view.summary, '');
  for (const r of rows) lines.push(`${`${r.label}:`.padEnd(width + 2)}${oneLine(r.value, Infinity)}`);
  if (hidden > 0) lines.push(moreFields(hidden));
  if (view.link) lines.push('', `${view.link.label}: ${view.link.url}`);
  lines.push('', '-- ', `${footerReason(content, (s) => s)} Manage notification settings: ${content.settingsUrl}`, `Sent by ${view.brand} · event ${content.event.id}`, '');
  return lines.join('\n');
}

function footerReason(content: EmailContent, escape: (text: string) => string): string {
  const channel = content.channelName ? `the email channel “${escape(content.channelName)}”` : 'an email channel';
  return `You receive this because ${channel} subscribes to ${escape(content.event.type)} events.`;
}

/** Header-safe: no line breaks or control characters, bounded length. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  return truncate(flat, max);
}
