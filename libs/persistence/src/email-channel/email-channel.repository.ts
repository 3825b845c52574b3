import { DataSource, IsNull, Repository, type QueryDeepPartialEntity } from 'typeorm';
import { assertBelowLimit } from '../org/limit-reached.error';
import { keysetPage, type Page, type PageRequest } from '../paging/keyset';
import { EmailChannelEntity } from './email-channel.entity';

export type NewEmailChannel = Pick<EmailChannelEntity, 'id' | 'orgId' | 'recipients'> & Partial<Omit<EmailChannelEntity, 'createdAt' | 'updatedAt' | 'deletedAt'>>;

export class EmailChannelRepository {
  private readonly repo: Repository<EmailChannelEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(EmailChannelEntity);
  }

  /** With `limit`, only while the org has fewer live channels than that (else LimitReachedError). */
  create(channel: NewEmailChannel, limit?: number): Promise<EmailChannelEntity> {
    if (limit === undefined) return this.repo.save(this.repo.create(channel));
    return this.dataSource.transaction(async (manager) => {
      await assertBelowLimit(manager, 'email_channels', channel.orgId, limit);
      const repo = manager.getRepository(EmailChannelEntity);
      return repo.save(repo.create(channel));
    });
  }

  listForOrg(orgId: string): Promise<EmailChannelEntity[]> {
    return this.repo.find({ where: { orgId }, order: { id: 'ASC' } });
  }

  findById(id: string): Promise<EmailChannelEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** The org's channel with this id; null for another org's (callers answer 404 either way). */
  findForOrg(orgId: string, id: string): Promise<EmailChannelEntity | null> {
    return this.repo.findOneBy({ orgId, id });
  }

  /** Deleted ones too: a declared id must not collide with a deleted channel's. */
  findIncludingDeleted(id: string): Promise<EmailChannelEntity | null> {
    return this.repo.findOne({ where: { id }, withDeleted: true });
  }

  listPage(orgId: string, page: PageRequest): Promise<Page<EmailChannelEntity>> {
    return keysetPage(this.repo.createQueryBuilder('c').where('c.org_id = :orgId', { orgId }), 'c', page);
  }

  async update(id: string, changes: Partial<Omit<NewEmailChannel, 'id' | 'orgId'>>): Promise<void> {
    if (Object.keys(changes).length > 0) await this.repo.update({ id }, changes as QueryDeepPartialEntity<EmailChannelEntity>);
  }

  /** Returns false when the org has no such live channel. */
  async softDelete(orgId: string, id: string): Promise<boolean> {
    const result = await this.repo.softDelete({ orgId, id, deletedAt: IsNull() });
    return (result.affected ?? 0) > 0;
  }

  async restore(id: string): Promise<void> {
    await this.repo.restore({ id });
  }
}
