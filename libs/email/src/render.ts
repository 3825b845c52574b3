import type { HeraldEvent, Severity } from '@herald/events';
import { escapeHtml } from './escape';
import { summarizeEvent, type EventSummary } from './event-summary';

/** Header colours by catalog severity: green success, red failure, blue information. */
export const SEVERITY_COLOURS: Readonly<Record<Severity, string>> = { success: '#1a7f37', failure: '#cf222e', info: '#0969da' };
const SEVERITY_LABELS: Readonly<Record<Severity, string>> = { success: 'Success', failure: 'Failure', info: 'Information' };

export interface EmailContent {
  event: HeraldEvent;
  severity: Severity;
  /** The catalog's one-line description of the event type. */
  description?: string;
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

/**
 * One notification as a subject, an HTML body and its plain-text alternative. The HTML is
 * tables and inline styles only (what Outlook, Gmail and Apple Mail all render), with no
 * external images or stylesheets; every value from the event is escaped.
 */
export function renderEmail(content: EmailContent): RenderedEmail {
  const summary = summarizeEvent(content.event);
  const subject = oneLine(summary.about ? `${summary.title} — ${summary.about}` : summary.title, MAX_SUBJECT);
  return { subject, html: renderHtml(content, summary, subject), text: renderText(content, summary, subject) };
}

function renderHtml(content: EmailContent, summary: EventSummary, subject: string): string {
  const colour = SEVERITY_COLOURS[content.severity];
  const e = escapeHtml;
  const rows = summary.details
    .map(
      (d) =>
        `<tr><th align="left" valign="top" style="padding:8px 12px 8px 0;border-bottom:1px solid #eaeef2;font-weight:600;color:#57606a;white-space:nowrap;width:120px;">${e(d.label)}</th>` +
        `<td valign="top" style="padding:8px 0;border-bottom:1px solid #eaeef2;color:#1f2328;word-break:break-word;">${e(d.value)}</td></tr>`,
    )
    .join('\n');
  const button = summary.link
    ? `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top:24px;"><tr><td bgcolor="${colour}" style="background-color:${colour};border-radius:6px;">` +
      `<a href="${e(summary.link)}" style="display:inline-block;padding:10px 18px;font-family:${FONT};font-size:14px;font-weight:600;color:#ffffff;text-decoration:none;">View details</a></td></tr></table>`
    : '';
  const description = content.description ? `<p style="margin:0 0 16px;font-size:15px;line-height:22px;color:#1f2328;">${e(content.description)}</p>` : '';
  const about = summary.about ? `<div style="margin-top:4px;font-size:15px;line-height:20px;color:#ffffff;">${e(summary.about)}</div>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f6f8fa;">
<div style="display:none;max-height:0;overflow:hidden;">${e(content.description ?? summary.title)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f6f8fa" style="background-color:#f6f8fa;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #d0d7de;border-radius:6px;font-family:${FONT};">
<tr><td bgcolor="${colour}" style="background-color:${colour};padding:20px 24px;border-radius:6px 6px 0 0;font-family:${FONT};">
<div style="font-size:12px;line-height:16px;letter-spacing:1px;text-transform:uppercase;color:#ffffff;">${e(SEVERITY_LABELS[content.severity])} · ${e(content.event.type)}</div>
<div style="margin-top:6px;font-size:22px;line-height:28px;font-weight:600;color:#ffffff;">${e(summary.title)}</div>
${about}
</td></tr>
<tr><td style="padding:24px;font-family:${FONT};font-size:14px;line-height:20px;">
${description}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="font-size:14px;line-height:20px;font-family:${FONT};">
${rows}
</table>
${button}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #d0d7de;font-family:${FONT};font-size:12px;line-height:18px;color:#57606a;">
${footerReason(content, e)} <a href="${e(content.settingsUrl)}" style="color:#0550ae;">Manage notification settings</a><br>
Event ${e(content.event.id)}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

function renderText(content: EmailContent, summary: EventSummary, subject: string): string {
  const width = Math.max(...summary.details.map((d) => d.label.length));
  const lines = [subject, '='.repeat(Math.min(subject.length, 72)), ''];
  if (content.description) lines.push(content.description, '');
  for (const d of summary.details) lines.push(`${`${d.label}:`.padEnd(width + 2)}${oneLine(d.value, Infinity)}`);
  if (summary.link) lines.push('', `View details: ${summary.link}`);
  lines.push('', '-- ', `${footerReason(content, (s) => s)} Manage notification settings: ${content.settingsUrl}`, `Event ${content.event.id}`, '');
  return lines.join('\n');
}

function footerReason(content: EmailContent, escape: (text: string) => string): string {
  const channel = content.channelName ? `the email channel “${escape(content.channelName)}”` : 'an email channel';
  return `You receive this because ${channel} subscribes to ${escape(content.event.type)} events.`;
}

/** Header-safe: no line breaks or control characters, bounded length. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
