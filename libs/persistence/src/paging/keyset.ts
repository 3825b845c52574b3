import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** Where a page ended: the last row's created_at (UTC, microseconds, as Postgres keeps it) and id. */
export interface PageKey {
  at: string;
  id: string;
}

export interface PageRequest {
  limit: number;
  after?: PageKey;
  /** Oldest first (the default) or newest first. */
  order?: 'ASC' | 'DESC';
}

export interface Page<T> {
  items: T[];
  /** Where the next page starts; null on the last page. */
  next: PageKey | null;
}

/** The canonical text of a PageKey's `at`: what Postgres prints below, and what it parses back exactly. */
export const PAGE_KEY_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Keyset pagination on (created_at, id): a stable order that rows inserted meanwhile cannot
 * shift. created_at travels at full microsecond precision (a JS Date would round it to the
 * millisecond and skip or repeat rows created within the same millisecond).
 */
export async function keysetPage<T extends ObjectLiteral & { id: string }>(qb: SelectQueryBuilder<T>, alias: string, { limit, after, order = 'ASC' }: PageRequest): Promise<Page<T>> {
  if (after) {
    qb.andWhere(`(${alias}.created_at, ${alias}.id) ${order === 'ASC' ? '>' : '<'} (CAST(:pageAt AS timestamptz), :pageId)`, { pageAt: after.at, pageId: after.id });
  }
  const { entities, raw } = await qb
    .addSelect(`to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'page_at')
    .orderBy(`${alias}.created_at`, order)
    .addOrderBy(`${alias}.id`, order)
    .limit(limit + 1)
    .getRawAndEntities<{ page_at: string }>();
  if (entities.length <= limit) return { items: entities, next: null };
  // One raw row per entity, in the same order: no joins here.
  return { items: entities.slice(0, limit), next: { at: raw[limit - 1].page_at, id: entities[limit - 1].id } };
}
