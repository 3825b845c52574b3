import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** Data sources behind a pooler that does not track named statements (DATABASE_PREPARED_STATEMENTS=false). */
const unnamed = new WeakSet<DataSource>();

/** PreparedStatement's statements run unnamed on this data source, parsed and planned on every call. */
export function runUnnamed(dataSource: DataSource): void {
  unnamed.add(dataSource);
}

/**
 * A statement on the path of every event or delivery, run as a named prepared statement: each pooled connection
 * parses and plans it once, where TypeORM's `query` sends it unnamed and PostgreSQL parses and plans it on every
 * call. For the event log's 18-row insert that was a third of the database's CPU per statement and a quarter of the
 * client's (docs/decisions.md, "Prepared statements on the hot path"). The text must stay fixed for its name: pg
 * remembers which names each connection has prepared.
 */
export class PreparedStatement<Row extends QueryResultRow = QueryResultRow> {
  constructor(
    private readonly name: string,
    private readonly text: string,
  ) {}

  /** The rows it returned (none for a statement without RETURNING). Errors are pg's own, SQLSTATE in `code`. */
  async run(dataSource: DataSource, values: unknown[]): Promise<Row[]> {
    // TypeORM's postgres driver keeps its pg pool as `master` once initialised.
    const pool = (dataSource.driver as PostgresDriver).master as Pool;
    const result = await pool.query<Row>(unnamed.has(dataSource) ? { text: this.text, values } : { name: this.name, text: this.text, values });
    return result.rows;
  }
}
