import { Injectable } from '@nestjs/common';
import { subscriptionOf, type Subscription } from '@herald/deliveries';
import { EmailChannelRepository, OrgRepository, WebhookRepository } from '@herald/persistence';
import { FreshReads } from './fresh-reads';

interface OrgSubscriptions {
  subscriptions: Subscription[];
  toggles: Map<string, boolean>;
}

/**
 * How new an event's subscriptions must be: every change committed before the event reached this process
 * (`receivedAt`, local clock), which `recordedVersion` (the org's version as the event log's insert read it, when it
 * made one) already covers: that read began after the event was accepted, i.e. after any change whose answer came before.
 */
export interface Freshness {
  receivedAt: number;
  recordedVersion?: string | null;
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
 * began share it, so a batch costs one primary-key read, not one per event. An event whose insert into the event log
 * read the version needs no version query: that read began after the event was accepted, so the cached lists serve
 * while they are at least that new (versions only grow: orgs are upserted, never deleted), and otherwise lists read
 * from now on do (an org's first events, and its first after a change, go straight to reading them).
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

  /** The org's subscriptions, at least as new as `freshness` asks. */
  async forOrg(orgId: string, { receivedAt, recordedVersion }: Freshness): Promise<OrgSubscriptions> {
    const recorded = recordedVersion != null && VERSION.test(recordedVersion) ? recordedVersion : null;
    let cached = this.cache.get(orgId);
    if (cached && recorded !== null && atLeast(cached.version, recorded)) {
      const entry = await cached.loading.catch(() => undefined);
      if (entry) return entry;
    }
    const version = recorded ?? (await this.versions.read(orgId, receivedAt, () => this.orgs.subscriptionsVersion(orgId)));
    cached = this.cache.get(orgId);
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

const VERSION = /^\d{1,19}$/;

/** Whether lists read at `cached` are at least as new as `recorded` (a count); a cached version that is not a count never is. */
function atLeast(cached: string | null, recorded: string): boolean {
  return cached !== null && VERSION.test(cached) && BigInt(cached) >= BigInt(recorded);
}
