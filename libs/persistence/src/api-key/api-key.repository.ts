import { DataSource, IsNull, Repository } from 'typeorm';
import { keysetPage, type Page, type PageRequest } from '../paging/keyset';
import { ApiKeyEntity } from './api-key.entity';

export type NewApiKey = Pick<ApiKeyEntity, 'id' | 'orgId' | 'name' | 'prefix' | 'keyHash' | 'permissions'>;

/** last_used_at is written at most this often per key, so reads do not each cost a write. */
const LAST_USED_RESOLUTION = '1 minute';

export class ApiKeyRepository {
  private readonly repo: Repository<ApiKeyEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(ApiKeyEntity);
  }

  create(key: NewApiKey): Promise<ApiKeyEntity> {
    return this.repo.save(this.repo.create(key));
  }

  /** The live (not revoked) key with this hash. */
  findActiveByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOneBy({ keyHash, revokedAt: IsNull() });
  }

  findForOrg(orgId: string, id: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOneBy({ orgId, id });
  }

  listPage(orgId: string, page: PageRequest): Promise<Page<ApiKeyEntity>> {
    return keysetPage(this.repo.createQueryBuilder('k').where('k.org_id = :orgId', { orgId }), 'k', page);
  }

  /** Revokes the key; returns it, or null when the org has no such key. Revoking twice keeps the first time. */
  async revoke(orgId: string, id: string): Promise<ApiKeyEntity | null> {
    await this.repo.update({ orgId, id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return this.findForOrg(orgId, id);
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '${LAST_USED_RESOLUTION}')`,
      [id],
    );
  }
}
