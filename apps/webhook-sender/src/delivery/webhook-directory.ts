import { Inject, Injectable } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { WebhookRepository, type WebhookEntity } from '@herald/persistence';
import { webhookTarget, type WebhookTarget } from '@herald/webhook-transport';

export interface WebhookSettings extends WebhookTarget {
  orgId: string;
  retrySchedule: string[];
  clientErrorsFinal: boolean;
  paused: boolean;
  consecutiveFailures: number;
  pauseAfterFailures: number;
  /** Requests per second at most; null: unlimited. */
  rateLimit: number | null;
}

/** How long a webhook's settings are reused; short, so pause, rotation and edits apply at once. */
const TTL_MS = 1_000;

/** Webhook settings and signing secrets, read from Postgres and cached for a second. */
@Injectable()
export class WebhookDirectory {
  private readonly cache = new Map<string, { settings: WebhookSettings | null; loadedAt: number }>();

  constructor(
    private readonly webhooks: WebhookRepository,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  /** null when the webhook was deleted. */
  async get(id: string): Promise<WebhookSettings | null> {
    const cached = this.cache.get(id);
    if (cached && Date.now() - cached.loadedAt < TTL_MS) return cached.settings;
    const webhook = await this.webhooks.findById(id);
    const settings = webhook ? this.toSettings(webhook, await this.webhooks.signingSecrets(id)) : null;
    this.cache.set(id, { settings, loadedAt: Date.now() });
    return settings;
  }

  /** Drops the cached settings, e.g. right after this process paused the webhook. */
  forget(id: string): void {
    this.cache.delete(id);
  }

  private toSettings(webhook: WebhookEntity, secrets: string[]): WebhookSettings {
    return {
      ...webhookTarget(webhook, secrets, this.config.HERALD_WEBHOOK_TIMEOUT_MS),
      orgId: webhook.orgId,
      retrySchedule: webhook.retrySchedule,
      clientErrorsFinal: webhook.clientErrorsFinal,
      paused: webhook.pausedAt !== null,
      consecutiveFailures: webhook.consecutiveFailures,
      pauseAfterFailures: webhook.pauseAfterFailures,
      rateLimit: webhook.rateLimit,
    };
  }
}
