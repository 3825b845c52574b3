import { DataSource, Repository } from 'typeorm';
import { OrgEntity } from './org.entity';
import { OrgEventTypeEntity } from './org-event-type.entity';

export class OrgRepository {
  private readonly repo: Repository<OrgEntity>;
  private readonly toggles: Repository<OrgEventTypeEntity>;
  private readonly known = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(OrgEntity);
    this.toggles = dataSource.getRepository(OrgEventTypeEntity);
  }

  /** Orgs are never deleted while events flow, so a positive answer is cached for a minute. */
  async exists(id: string): Promise<boolean> {
    const cachedAt = this.known.get(id);
    if (cachedAt !== undefined && Date.now() - cachedAt < 60_000) return true;
    const found = await this.repo.existsBy({ id });
    if (found) this.known.set(id, Date.now());
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
