import { DataSource, Repository } from 'typeorm';
import { EmailChannelEntity } from './email-channel.entity';

export type NewEmailChannel = Pick<EmailChannelEntity, 'id' | 'orgId' | 'recipients'> & Partial<Omit<EmailChannelEntity, 'createdAt' | 'updatedAt' | 'deletedAt'>>;

export class EmailChannelRepository {
  private readonly repo: Repository<EmailChannelEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(EmailChannelEntity);
  }

  create(channel: NewEmailChannel): Promise<EmailChannelEntity> {
    return this.repo.save(this.repo.create(channel));
  }

  listForOrg(orgId: string): Promise<EmailChannelEntity[]> {
    return this.repo.find({ where: { orgId }, order: { id: 'ASC' } });
  }

  findById(id: string): Promise<EmailChannelEntity | null> {
    return this.repo.findOneBy({ id });
  }
}
