import { Inject, Injectable } from '@nestjs/common';
import { ulid } from 'ulid';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { Mailer } from '@herald/email';
import { EventCatalog } from '@herald/events';
import { EmailChannelRepository, type EmailChannelEntity, type NewEmailChannel, type Page, type PageRequest } from '@herald/persistence';
import { checkResolvedHost, UnsafeDestinationError } from '@herald/webhook-transport';
import { ProblemError } from '../problems/problem';
import { checkEventTypes } from '../subscriptions';
import type { CreateEmailChannel, EmailChannelView, EmailTestResultView, SmtpInput, UpdateEmailChannel } from './email-channel.schemas';

type ChannelColumns = Partial<Omit<NewEmailChannel, 'id' | 'orgId'>>;

/** Email channels of one org at a time; another org's channel is never found. */
@Injectable()
export class EmailChannelsService {
  constructor(
    private readonly channels: EmailChannelRepository,
    private readonly catalog: EventCatalog,
    private readonly mailer: Mailer,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  list(orgId: string, page: PageRequest): Promise<Page<EmailChannelEntity>> {
    return this.channels.listPage(orgId, page);
  }

  async get(orgId: string, id: string): Promise<EmailChannelEntity> {
    const channel = await this.channels.findForOrg(orgId, id);
    if (!channel) throw ProblemError.notFound('email channel', id);
    return channel;
  }

  async create(orgId: string, input: CreateEmailChannel, id = `ec_${ulid()}`): Promise<EmailChannelEntity> {
    return this.channels.create({ ...(await this.columns(input)), id, orgId, recipients: input.recipients }, this.config.HERALD_MAX_EMAIL_CHANNELS_PER_ORG);
  }

  async update(orgId: string, id: string, input: UpdateEmailChannel): Promise<EmailChannelEntity> {
    await this.get(orgId, id);
    await this.channels.update(id, await this.columns(input));
    return this.get(orgId, id);
  }

  async remove(orgId: string, id: string): Promise<void> {
    if (!(await this.channels.softDelete(orgId, id))) throw ProblemError.notFound('email channel', id);
  }

  /** Sends a sample notification to every recipient through the channel's server and reports its answer. */
  async test(orgId: string, id: string): Promise<EmailTestResultView> {
    const result = await this.mailer.sendTestEmail(await this.get(orgId, id));
    return {
      ok: result.ok,
      server: result.server,
      response_code: result.responseCode,
      response: result.response,
      accepted: result.accepted,
      rejected: result.rejected,
      latency_ms: result.latencyMs,
    };
  }

  /** Checks what the client set and turns it into column values; absent fields stay as they are. */
  private async columns(input: UpdateEmailChannel): Promise<ChannelColumns> {
    const recipients = input.recipients && [...new Set(input.recipients)];
    const max = this.config.HERALD_MAX_RECIPIENTS_PER_CHANNEL;
    if (recipients && recipients.length > max) throw ProblemError.limitReached(`at most ${max} recipients per channel, got ${recipients.length}`, max, 'recipients');
    const columns: ChannelColumns = {
      name: input.name,
      recipients,
      eventTypes: input.events && checkEventTypes(input.events, this.catalog, this.config.HERALD_MAX_EVENTS_PER_CHANNEL),
      projectIds: input.project_ids && [...new Set(input.project_ids)],
      filter: input.filter,
      enabled: input.enabled,
      ...(input.smtp === undefined ? {} : await this.smtpColumns(input.smtp)),
    };
    return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
  }

  /**
   * The SMTP settings replace the stored ones together, except a password left out, which is kept.
   * The host is resolved and checked now, as a webhook URL is (the mailer checks again when it
   * connects, since DNS can change).
   */
  private async smtpColumns(smtp: SmtpInput | null): Promise<ChannelColumns> {
    if (smtp === null) return { smtpHost: null, smtpPort: null, smtpSecurity: null, smtpUsername: null, smtpPassword: null, smtpFrom: null };
    const host = smtp.host.replace(/^\[(.*)\]$/, '$1');
    try {
      await checkResolvedHost(host, { allowLoopback: this.config.HERALD_ALLOW_LOOPBACK_DESTINATIONS });
    } catch (error) {
      if (error instanceof UnsafeDestinationError) throw ProblemError.invalidField('smtp.host', error.message);
      throw error;
    }
    return {
      smtpHost: host,
      smtpPort: smtp.port ?? null,
      smtpSecurity: smtp.security,
      smtpUsername: smtp.username ?? null,
      ...(smtp.password === undefined ? {} : { smtpPassword: smtp.password }),
      smtpFrom: smtp.from,
    };
  }
}

export function emailChannelView(channel: EmailChannelEntity): EmailChannelView {
  return {
    id: channel.id,
    name: channel.name,
    recipients: channel.recipients,
    events: channel.eventTypes,
    project_ids: channel.projectIds,
    filter: channel.filter,
    enabled: channel.enabled,
    smtp: channel.smtpHost
      ? {
          host: channel.smtpHost,
          port: channel.smtpPort,
          security: channel.smtpSecurity ?? 'starttls',
          username: channel.smtpUsername,
          from: channel.smtpFrom,
          password_set: channel.smtpPassword !== null && channel.smtpPassword !== '',
        }
      : null,
    created_at: channel.createdAt.toISOString(),
    updated_at: channel.updatedAt.toISOString(),
  };
}
