import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { PreparedStatement } from './prepared-statement';

/** Against real PostgreSQL, on a pool of one connection, so the session that prepared the statement is the one asked. */
describe('PreparedStatement', () => {
  let ds: DataSource;
  const square = new PreparedStatement<{ n: number; square: number }>('herald_spec_square', 'SELECT n, n * n AS square FROM unnest($1::int[]) AS n');

  beforeAll(async () => {
    ds = await createDataSource(process.env.DATABASE_URL!, 1).initialize();
  });

  afterAll(() => ds.destroy());

  it('is parsed once per connection and run by name after that', async () => {
    expect(await square.run(ds, [[2, 3]])).toEqual([
      { n: 2, square: 4 },
      { n: 3, square: 9 },
    ]);
    expect(await square.run(ds, [[4]])).toEqual([{ n: 4, square: 16 }]);
    const prepared: { name: string }[] = await ds.query(`SELECT name FROM pg_prepared_statements WHERE name = 'herald_spec_square'`);
    expect(prepared).toHaveLength(1);
  });

  it('runs unnamed on a data source created without prepared statements (a transaction-mode pooler)', async () => {
    const pooled = await createDataSource(process.env.DATABASE_URL!, 1, { preparedStatements: false }).initialize();
    try {
      expect(await square.run(pooled, [[5]])).toEqual([{ n: 5, square: 25 }]);
      expect(await pooled.query(`SELECT name FROM pg_prepared_statements`)).toEqual([]);
    } finally {
      await pooled.destroy();
    }
  });

  it("fails with the database's own error, its SQLSTATE in code", async () => {
    await expect(new PreparedStatement('herald_spec_cast', 'SELECT $1::int AS n').run(ds, ['not a number'])).rejects.toMatchObject({ code: '22P02' });
  });
});
