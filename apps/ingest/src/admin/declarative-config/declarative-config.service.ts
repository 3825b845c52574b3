import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { EventCatalog } from '@herald/events';
import { EmailChannelRepository, OrgRepository, WebhookRepository } from '@herald/persistence';
import { emailChannelView, EmailChannelsService } from '../email-channels/email-channels.service';
import type { UpdateEmailChannel } from '../email-channels/email-channel.schemas';
import { ProblemError } from '../problems/problem';
import type { UpdateWebhook } from '../webhooks/webhook.schemas';
import { webhookView, WebhooksService } from '../webhooks/webhooks.service';
import { ConfigFileError, parseConfigFile, type ConfigFile, type DeclaredEmailChannel, type DeclaredWebhook } from './config-file';

export type ApplyAction = 'created' | 'updated' | 'restored' | 'unchanged';

export interface ApplyReport {
  orgs: {
    id: string;
    event_types: number;
    webhooks: { id: string; action: ApplyAction; secret_rotated?: true; generated_secret?: string }[];
    email_channels: { id: string; action: ApplyAction }[];
  }[];
}

/**
 * Makes the database match a declarative config file: creates what is missing, updates what
 * differs, leaves everything else (API-created resources included) alone. Applying the same file
 * twice changes nothing the second time. Goes through the same services as the API, so the
 * same limits and URL rules hold.
 */
@Injectable()
export class DeclarativeConfigService {
  constructor(
    private readonly orgs: OrgRepository,
    private readonly webhooks: WebhooksService,
    private readonly webhookRows: WebhookRepository,
    private readonly channels: EmailChannelsService,
    private readonly channelRows: EmailChannelRepository,
    private readonly catalog: EventCatalog,
  ) {}

  async applyFile(path: string): Promise<ApplyReport> {
    return this.apply(parseConfigFile(await readFile(path, 'utf8')));
  }

  async apply(config: ConfigFile): Promise<ApplyReport> {
    const report: ApplyReport = { orgs: [] };
    for (const [i, org] of config.orgs.entries()) {
      const at = `orgs[${i}]`;
      await this.orgs.upsert(org.id, org.name ?? org.id);
      for (const [type, enabled] of Object.entries(org.event_types)) {
        const canonical = this.catalog.typeOf(type);
        if (!canonical) throw new ConfigFileError(`${at}.event_types.${type}: unknown event type`);
        await this.orgs.setEventType(org.id, canonical, enabled);
      }
      const webhooks = [];
      for (const [j, webhook] of org.webhooks.entries()) webhooks.push(await this.located(`${at}.webhooks[${j}]`, () => this.applyWebhook(org.id, webhook)));
      const channels = [];
      for (const [j, channel] of org.email_channels.entries()) channels.push(await this.located(`${at}.email_channels[${j}]`, () => this.applyChannel(org.id, channel)));
      report.orgs.push({ id: org.id, event_types: Object.keys(org.event_types).length, webhooks, email_channels: channels });
    }
    return report;
  }

  private async applyWebhook(orgId: string, declared: DeclaredWebhook): Promise<ApplyReport['orgs'][number]['webhooks'][number]> {
    const { id, secret, ...settings } = declared;
    const existing = await this.webhookRows.findIncludingDeleted(id);
    if (!existing) {
      const created = await this.webhooks.create(orgId, declared, id);
      return { id, action: 'created', ...(secret === undefined ? { generated_secret: created.secret } : {}) };
    }
    if (existing.orgId !== orgId) throw ProblemError.invalidField('id', `webhook ${id} belongs to another org`);
    const restored = existing.deletedAt !== null;
    if (restored) await this.webhookRows.restore(id);
    // Compared with what is stored, secret header values and the integration key included, so an unchanged file changes nothing.
    const stored = { ...webhookView(existing), headers: existing.staticHeaders.map(({ name, value, secret }) => ({ name, value, secret })), integration_key: existing.integrationKey ?? undefined };
    const changes = differences<UpdateWebhook>(settings, stored);
    if (Object.keys(changes).length) await this.webhooks.update(orgId, id, changes);
    const rotate = secret !== undefined && (await this.webhookRows.signingSecrets(id))[0] !== secret;
    if (rotate) await this.webhooks.rotateSecret(orgId, id, { secret });
    const action = restored ? 'restored' : Object.keys(changes).length || rotate ? 'updated' : 'unchanged';
    return { id, action, ...(rotate ? { secret_rotated: true as const } : {}) };
  }

  private async applyChannel(orgId: string, declared: DeclaredEmailChannel): Promise<{ id: string; action: ApplyAction }> {
    const { id, ...settings } = declared;
    const existing = await this.channelRows.findIncludingDeleted(id);
    if (!existing) {
      await this.channels.create(orgId, declared, id);
      return { id, action: 'created' };
    }
    if (existing.orgId !== orgId) throw ProblemError.invalidField('id', `email channel ${id} belongs to another org`);
    const restored = existing.deletedAt !== null;
    if (restored) await this.channelRows.restore(id);
    const { smtp, ...rest } = settings;
    const changes = differences<UpdateEmailChannel>(rest, emailChannelView(existing));
    const stored = emailChannelView(existing).smtp;
    const declaredSmtp = smtp && { host: smtp.host, port: smtp.port ?? null, security: smtp.security, username: smtp.username ?? null, from: smtp.from };
    const storedSmtp = stored && { host: stored.host, port: stored.port, security: stored.security, username: stored.username, from: stored.from };
    const passwordDiffers = smtp?.password !== undefined && smtp.password !== existing.smtpPassword;
    if (JSON.stringify(declaredSmtp) !== JSON.stringify(storedSmtp) || passwordDiffers) changes.smtp = smtp;
    if (Object.keys(changes).length) await this.channels.update(orgId, id, changes);
    return { id, action: restored ? 'restored' : Object.keys(changes).length ? 'updated' : 'unchanged' };
  }

  /** Errors from the services name a field; here they also name the place in the file. */
  private async located<T>(at: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProblemError) throw new ConfigFileError(`${at}${error.extensions.field ? `.${error.extensions.field}` : ''}: ${error.message}`);
      throw error;
    }
  }
}

/** The declared values that differ from the current view, compared as JSON. */
function differences<T>(declared: Record<string, unknown>, current: Record<string, unknown>): Partial<T> {
  return Object.fromEntries(Object.entries(declared).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(current[key]))) as Partial<T>;
}

/** Applies HERALD_CONFIG_FILE when ingest starts; a bad file stops the start, naming the problem. */
@Injectable()
export class ApplyConfigAtStart implements OnApplicationBootstrap {
  private readonly logger = new Logger('declarative-config');

  constructor(
    private readonly declarative: DeclarativeConfigService,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const file = this.config.HERALD_CONFIG_FILE;
    if (!file) return;
    const report = await this.declarative.applyFile(file);
    // Generated secrets are never logged: `herald config apply` prints them, or rotate-secret issues a new one.
    const summary = report.orgs.map((org) => ({ ...org, webhooks: org.webhooks.map(({ generated_secret, ...w }) => ({ ...w, ...(generated_secret ? { secret_generated: true } : {}) })) }));
    this.logger.log({ msg: 'applied declarative config', file, orgs: summary });
  }
}
