import { DataSource, IsNull, MoreThan, Repository } from 'typeorm';
import { WebhookEntity } from './webhook.entity';
import { WebhookSecretEntity } from './webhook-secret.entity';

export type NewWebhook = Pick<WebhookEntity, 'id' | 'orgId' | 'url'> & Partial<Omit<WebhookEntity, 'secrets' | 'createdAt' | 'updatedAt' | 'deletedAt'>>;

export class WebhookRepository {
  private readonly webhooks: Repository<WebhookEntity>;
  private readonly secrets: Repository<WebhookSecretEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.webhooks = dataSource.getRepository(WebhookEntity);
    this.secrets = dataSource.getRepository(WebhookSecretEntity);
  }

  /** Creates a webhook with its first signing secret in one transaction. */
  async create(webhook: NewWebhook, secret: string): Promise<WebhookEntity> {
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(WebhookEntity).save(manager.getRepository(WebhookEntity).create(webhook));
      await manager.getRepository(WebhookSecretEntity).insert({ webhookId: saved.id, secret });
      return saved;
    });
  }

  /** The org's live (not deleted) webhooks, paused ones included: the router holds, not drops. */
  listForOrg(orgId: string): Promise<WebhookEntity[]> {
    return this.webhooks.find({ where: { orgId }, order: { id: 'ASC' } });
  }

  findById(id: string): Promise<WebhookEntity | null> {
    return this.webhooks.findOneBy({ id });
  }

  /** Secrets that sign now: newest first, then those still inside their rotation grace window. */
  async signingSecrets(webhookId: string, now = new Date()): Promise<string[]> {
    const rows = await this.secrets.find({
      where: [
        { webhookId, expiresAt: IsNull() },
        { webhookId, expiresAt: MoreThan(now) },
      ],
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    return rows.map((r) => r.secret);
  }

  /**
   * Counts one more failed attempt in a row. Returns true only to the caller whose failure
   * reached the threshold and paused the webhook, so exactly one `webhook.paused` goes out.
   */
  async recordFailure(id: string): Promise<boolean> {
    // One statement, so concurrent failures are serialised on the row lock and only one pauses.
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [{ paused_now: boolean }[], number] = await this.dataSource.query(
      `UPDATE webhooks
         SET consecutive_failures = consecutive_failures + 1,
             paused_at = CASE
               WHEN paused_at IS NULL AND pause_after_failures > 0 AND consecutive_failures + 1 >= pause_after_failures THEN now()
               ELSE paused_at END
       WHERE id = $1
       RETURNING paused_at IS NOT NULL AND paused_at = now() AS paused_now`,
      [id],
    );
    return rows[0]?.paused_now === true;
  }

  async resetFailures(id: string): Promise<void> {
    await this.dataSource.query('UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0', [id]);
  }
}
