import { Injectable } from '@nestjs/common';
import { subscriptionOf, type Subscription } from '@herald/deliveries';
import { EmailChannelRepository, OrgRepository, WebhookRepository } from '@herald/persistence';
import { FreshReads } from './fresh-reads';

interface OrgSubscriptions {
  subscriptions: Subscription[];
  toggles: Map<string, boolean>;
}

interface Cached {
  /** The org's subscriptions version read before the lists: they are at least this new. */
  version: string | null;
  loading: Promise<OrgSubscriptions>;
}

/**
 * The org's destinations and event toggles from Postgres, cached per org and never stale for an event: before
 * the cache is used, the org's subscriptions version (bumped by a trigger in the same transaction as any change
 * to them) is read by a query that started after the event reached this process; if it moved, the lists are
 * read again. An API change answered before an event was accepted has committed before that query starts, so
 * every replica routes the event with it (read-your-writes). Events of one org received before a version query
 * began share it, so a batch costs one primary-key read, not one per event.
 */
@Injectable()
export class SubscriptionCache {
  private readonly cache = new Map<string, Cached>();
  private readonly versions = new FreshReads<string | null>();

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly emailChannels: EmailChannelRepository,
    private readonly orgs: OrgRepository,
  ) {}

  /** The org's subscriptions as of `receivedAt` (local clock) or later. */
  async forOrg(orgId: string, receivedAt: number): Promise<OrgSubscriptions> {
    const version = await this.versions.read(orgId, receivedAt, () => this.orgs.subscriptionsVersion(orgId));
    const cached = this.cache.get(orgId);
    if (cached && cached.version === version) {
      const entry = await cached.loading.catch(() => undefined);
      if (entry) return entry;
    }
    const loading = this.load(orgId);
    this.cache.set(orgId, { version, loading });
    return loading;
  }

  private async load(orgId: string): Promise<OrgSubscriptions> {
    const [webhooks, emailChannels, toggles] = await Promise.all([this.webhooks.listForOrg(orgId), this.emailChannels.listForOrg(orgId), this.orgs.eventTypeToggles(orgId)]);
    const subscriptions: Subscription[] = [
      ...webhooks.map((w) => subscriptionOf('webhook', w)),
      ...emailChannels.map((c) => subscriptionOf('email', c)),
    ];
    return { subscriptions, toggles };
  }
}
