import type { DataSource } from 'typeorm';
import { boolArray, numberArray, textArray } from './array-literal';
import { createDataSource } from './data-source';

/** The literals are read by real PostgreSQL: what goes in as a parameter comes back as the values given. */
describe('array literals', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = await createDataSource(process.env.DATABASE_URL!, 1).initialize();
  });

  afterAll(() => ds.destroy());

  const roundTrip = async (type: string, literal: string): Promise<unknown[]> => {
    const [row] = (await ds.query(`SELECT $1::${type}[] AS values`, [literal])) as { values: unknown[] }[];
    return row.values;
  };

  it('keeps every string as it is, quotes, backslashes, braces, the word NULL and the empty string included', async () => {
    const texts = ['', 'NULL', 'null', null, 'a,b', '{x}', ' spaced ', 'q"uote', 'back\\slash', '\\"', 'ünï ✓ 😀', 'tab\tand\nnewline', "'", 'plain'];
    expect(await roundTrip('text', textArray(texts))).toEqual(texts);
  });

  it('writes integers, with nulls, and booleans', async () => {
    expect(await roundTrip('int', numberArray([1, null, -5, 0, 2_147_483_647]))).toEqual([1, null, -5, 0, 2_147_483_647]);
    expect(await roundTrip('bool', boolArray([true, false, true]))).toEqual([true, false, true]);
  });

  it('writes epoch milliseconds that to_timestamp reads back to the millisecond, whatever the session time zone', async () => {
    const instants = [new Date(Date.UTC(2026, 11, 3, 5, 59, 1, 123)), null, new Date(0), new Date(Date.UTC(2099, 0, 1, 0, 0, 0, 999))];
    await ds.query(`SET TIME ZONE 'America/St_Johns'`);
    try {
      const [row] = (await ds.query('SELECT array_agg(to_timestamp(ms / 1000) ORDER BY n) AS read FROM unnest($1::float8[]) WITH ORDINALITY AS u(ms, n)', [
        numberArray(instants.map((date) => date?.getTime() ?? null)),
      ])) as { read: (Date | null)[] }[];
      expect(row.read.map((date) => date?.getTime() ?? null)).toEqual(instants.map((date) => date?.getTime() ?? null));
    } finally {
      await ds.query('RESET TIME ZONE');
    }
  });

  it('writes empty arrays', async () => {
    expect(await roundTrip('text', textArray([]))).toEqual([]);
    expect(await roundTrip('int', numberArray([]))).toEqual([]);
  });
});
