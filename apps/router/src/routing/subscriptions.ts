import { Injectable } from '@nestjs/common';
import { EmailChannelRepository, OrgRepository, WebhookRepository } from '@herald/persistence';
import type { Subscription } from './match';

interface OrgSubscriptions {
  subscriptions: Subscription[];
  toggles: Map<string, boolean>;
  loadedAt: number;
}

/** How long an org's subscriptions are reused: short, so API changes reach routing within a second or two. */
const TTL_MS = 1_000;

/** The org's destinations and event toggles from Postgres, cached briefly per org. */
@Injectable()
export class SubscriptionCache {
  private readonly cache = new Map<string, Promise<OrgSubscriptions>>();

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly emailChannels: EmailChannelRepository,
    private readonly orgs: OrgRepository,
  ) {}

  async forOrg(orgId: string): Promise<OrgSubscriptions> {
    const cached = this.cache.get(orgId);
    if (cached) {
      const entry = await cached.catch(() => undefined);
      if (entry && Date.now() - entry.loadedAt < TTL_MS) return entry;
    }
    const loading = this.load(orgId);
    this.cache.set(orgId, loading);
    return loading;
  }

  private async load(orgId: string): Promise<OrgSubscriptions> {
    const [webhooks, emailChannels, toggles] = await Promise.all([this.webhooks.listForOrg(orgId), this.emailChannels.listForOrg(orgId), this.orgs.eventTypeToggles(orgId)]);
    const subscriptions: Subscription[] = [
      ...webhooks.map((w) => ({ kind: 'webhook' as const, id: w.id, eventTypes: w.eventTypes, projectIds: w.projectIds, enabled: w.enabled })),
      ...emailChannels.map((c) => ({ kind: 'email' as const, id: c.id, eventTypes: c.eventTypes, projectIds: c.projectIds, enabled: c.enabled })),
    ];
    return { subscriptions, toggles, loadedAt: Date.now() };
  }
}
