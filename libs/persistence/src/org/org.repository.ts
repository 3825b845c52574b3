import { DataSource, Repository } from 'typeorm';
import { FreshReads } from '../fresh-reads';
import { OrgEntity } from './org.entity';
import { OrgEventTypeEntity } from './org-event-type.entity';

export class OrgRepository {
  private readonly repo: Repository<OrgEntity>;
  private readonly toggles: Repository<OrgEventTypeEntity>;
  /** When each org was last found: a "yes" is kept for a minute. */
  private readonly foundAt = new Map<string, number>();
  private readonly reads = new FreshReads<boolean>();

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(OrgEntity);
    this.toggles = dataSource.getRepository(OrgEventTypeEntity);
  }

  /**
   * Whether the org existed at `since` (local clock) or later. Orgs are never deleted while events flow, so a "yes"
   * from any read answers every caller and is cached for a minute; a "no" answers only callers that asked before its
   * read began. Concurrent callers share reads (FreshReads): a new org's first batch of events asks once, not once per
   * event.
   */
  async exists(id: string, since = Date.now()): Promise<boolean> {
    // Checked again inside: a read queued behind one that found the org needs no query of its own.
    return this.known(id) || this.reads.read(id, since, async () => this.known(id) || this.readExists(id));
  }

  private known(id: string): boolean {
    const foundAt = this.foundAt.get(id);
    return foundAt !== undefined && Date.now() - foundAt < 60_000;
  }

  private async readExists(id: string): Promise<boolean> {
    const found = await this.repo.existsBy({ id });
    if (found) this.foundAt.set(id, Date.now());
    return found;
  }

  async upsert(id: string, name = id): Promise<OrgEntity> {
    await this.repo.upsert({ id, name }, ['id']);
    return this.repo.findOneByOrFail({ id });
  }

  /** The org's explicit on/off choices per event type; types not listed follow the catalog. */
  async eventTypeToggles(orgId: string): Promise<Map<string, boolean>> {
    const rows = await this.toggles.findBy({ orgId });
    return new Map(rows.map((r) => [r.type, r.enabled]));
  }

  /**
   * Changes with every committed change to the org's routing (webhooks, email channels, toggles; a trigger
   * bumps it in the same transaction). Null for an unknown org. A bigint, so compared as text.
   */
  async subscriptionsVersion(orgId: string): Promise<string | null> {
    const rows: { version: string }[] = await this.dataSource.query('SELECT subscriptions_version::text AS version FROM orgs WHERE id = $1', [orgId]);
    return rows[0]?.version ?? null;
  }

  async setEventType(orgId: string, type: string, enabled: boolean): Promise<void> {
    await this.toggles.upsert({ orgId, type, enabled }, ['orgId', 'type']);
  }
}
