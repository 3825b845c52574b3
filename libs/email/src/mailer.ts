import { randomUUID } from 'node:crypto';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { HeraldConfig } from '@herald/config';
import type { EventCatalog, EventTypeDefinition, HeraldEvent } from '@herald/events';
import type { EmailChannelEntity } from '@herald/persistence';
import { renderEmail, type EmailContent } from './render';
import { classifySmtpError } from './smtp-errors';
import { smtpSettingsForChannel, smtpSettingsFromConfig, type SmtpSettings } from './smtp-settings';
import { SmtpTransports, type OutgoingEmail, type RejectedRecipient, type SmtpResult, type SmtpTransportOptions } from './smtp-transports';

/** What the mailer needs of an email channel. */
export type EmailChannel = Pick<EmailChannelEntity, 'id' | 'orgId' | 'name' | 'recipients' | 'smtpHost' | 'smtpPort' | 'smtpSecurity' | 'smtpUsername' | 'smtpPassword' | 'smtpFrom'>;

/** The answer to "does this channel work?", for `POST /email-channels/{id}/test`. */
export interface TestEmailResult {
  ok: boolean;
  /** host:port that was tried; null when there was no server to try. */
  server: string | null;
  /** The server's reply code (250, 535, 550, …), null when it never answered. */
  responseCode: number | null;
  /** The server's reply line, or why there was none. */
  response: string;
  accepted: string[];
  rejected: RejectedRecipient[];
  latencyMs: number;
}

export type MailerConfig = Pick<
  HeraldConfig,
  'SMTP_URL' | 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'SMTP_SECURITY' | 'SMTP_FROM' | 'HERALD_SMTP_TIMEOUT_MS' | 'HERALD_ALLOW_LOOPBACK_DESTINATIONS' | 'HERALD_PUBLIC_URL' | 'HERALD_HEADER_PREFIX'
>;

const TEST_EMAIL_TYPE: Pick<EventTypeDefinition, 'severity' | 'category' | 'description'> = {
  severity: 'info',
  category: 'system',
  description: 'A test email from Herald: this channel can deliver notifications.',
};

/**
 * Composes notification emails and sends them through the channel's SMTP server or the
 * deployment's. Shared by email-sender and the admin API's test endpoint.
 */
export class Mailer implements OnApplicationShutdown {
  private readonly deployment: SmtpSettings | null;
  private readonly transports: SmtpTransports;
  private readonly messageIdDomain: string;

  constructor(
    private readonly config: MailerConfig,
    private readonly catalog: EventCatalog,
    tls?: SmtpTransportOptions['tls'],
  ) {
    // Fails at start, naming the variable, when the deployment's SMTP settings are incomplete.
    this.deployment = smtpSettingsFromConfig(config);
    this.transports = new SmtpTransports({ timeoutMs: config.HERALD_SMTP_TIMEOUT_MS, allowLoopback: config.HERALD_ALLOW_LOOPBACK_DESTINATIONS, tls });
    this.messageIdDomain = new URL(config.HERALD_PUBLIC_URL).hostname;
  }

  /** The notification for one delivery; its Message-ID is derived from the delivery id. */
  compose(event: HeraldEvent, deliveryId: string, channel: EmailChannel): OutgoingEmail {
    return this.message(event, channel, `<${deliveryId}@${this.messageIdDomain}>`, this.catalog.get(event.type));
  }

  /** One SMTP attempt; never throws for SMTP or configuration trouble, it reports it. */
  async send(channel: EmailChannel, email: OutgoingEmail): Promise<SmtpResult> {
    let settings: SmtpSettings;
    try {
      settings = smtpSettingsForChannel(channel, this.deployment);
    } catch (error) {
      return { kind: 'failed', latencyMs: 0, ...classifySmtpError(error) };
    }
    return this.transports.send(settings, email);
  }

  /** Sends a sample notification to every recipient of the channel and reports the server's answer. */
  async sendTestEmail(channel: EmailChannel): Promise<TestEmailResult> {
    const now = new Date().toISOString();
    const event: HeraldEvent = {
      id: `test_${randomUUID()}`,
      type: 'ping',
      org_id: channel.orgId,
      project_id: null,
      occurred_at: now,
      created_at: now,
      data: { channel: channel.name || channel.id, recipients: channel.recipients },
    };
    const email = this.message(event, channel, `<${event.id}@${this.messageIdDomain}>`, TEST_EMAIL_TYPE);
    let server: string | null = null;
    try {
      const settings = smtpSettingsForChannel(channel, this.deployment);
      server = `${settings.host}:${settings.port}`;
    } catch {
      // send() reports the configuration problem below.
    }
    const result = await this.send(channel, email);
    if (result.kind === 'sent') {
      const { responseCode, response, accepted, rejected, latencyMs } = result;
      return { ok: accepted.length > 0, server, responseCode, response, accepted, rejected, latencyMs };
    }
    return { ok: false, server, responseCode: result.responseCode, response: result.response ?? result.reason, accepted: [], rejected: [], latencyMs: result.latencyMs };
  }

  onApplicationShutdown(): void {
    this.transports.close();
  }

  private message(event: HeraldEvent, channel: EmailChannel, messageId: string, definition: EmailContent['definition']): OutgoingEmail {
    const settingsUrl = new URL('settings/notifications', withSlash(this.config.HERALD_PUBLIC_URL));
    settingsUrl.searchParams.set('channel', channel.id);
    const rendered = renderEmail({ event, definition, settingsUrl: settingsUrl.toString(), channelName: channel.name || undefined });
    return {
      to: channel.recipients,
      ...rendered,
      messageId,
      headers: {
        // RFC 3834: automatic mail, so auto-responders and vacation replies stay quiet.
        'Auto-Submitted': 'auto-generated',
        [`${this.config.HERALD_HEADER_PREFIX}Event`]: event.type,
      },
    };
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
