import type { EntityManager } from 'typeorm';

/** An org already has as many of a resource as it may (seed 000's limits). */
export class LimitReachedError extends Error {
  override name = 'LimitReachedError';

  constructor(
    readonly resource: string,
    readonly limit: number,
  ) {
    super(`an org may have at most ${limit} ${resource}`);
  }
}

/** Counts the org's live rows under a lock on the org, so concurrent creates cannot pass the limit together. */
export async function assertBelowLimit(manager: EntityManager, table: 'webhooks' | 'email_channels', orgId: string, limit: number): Promise<void> {
  await manager.query('SELECT id FROM orgs WHERE id = $1 FOR UPDATE', [orgId]);
  const [{ count }]: { count: number }[] = await manager.query(`SELECT count(*)::int AS count FROM ${table} WHERE org_id = $1 AND deleted_at IS NULL`, [orgId]);
  if (count >= limit) throw new LimitReachedError(table === 'webhooks' ? 'webhooks' : 'email channels', limit);
}
