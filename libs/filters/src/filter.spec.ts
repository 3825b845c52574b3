import { FILTER_LIMITS, matchesFilter, type Filter, type FilterableEvent } from './filter';
import { validateFilter } from './validate';

/** Seed 002's deployment.failed, trimmed to what the filters read. */
const event = (over: Partial<FilterableEvent> = {}): FilterableEvent => ({
  type: 'deployment.failed',
  project_id: 'prj_shop',
  data: {
    environment: { name: 'production', primary_url: 'https://shop.example.com' },
    deployment: { id: 'dep_42', git_branch: 'release/7.1', duration_seconds: 312, retried: false, tags: ['odoo', 'eu'] },
    severity: 'error',
    note: null,
  },
  ...over,
});

/** Checks the filter is valid, so every case below also shows a filter the API would save. */
const matches = (filter: Filter, on: FilterableEvent = event()) => {
  expect(validateFilter(filter)).toEqual([]);
  return matchesFilter(filter, on);
};

describe('matchesFilter', () => {
  it('passes everything without a filter', () => {
    expect(matchesFilter(null, event())).toBe(true);
    expect(matchesFilter(undefined, event())).toBe(true);
  });

  it("pages only on production failures, seed 002's example", () => {
    const paging = { type: 'deployment.failed', data: { environment: { name: 'production' } } };
    expect(matches(paging)).toBe(true);
    expect(matches(paging, event({ data: { environment: { name: 'staging' } } }))).toBe(false);
    expect(matches(paging, event({ type: 'deployment.succeeded' }))).toBe(false);
  });

  it('equals: a scalar value or $eq, same JSON type only', () => {
    expect(matches({ data: { severity: 'error' } })).toBe(true);
    expect(matches({ data: { severity: { $eq: 'error' } } })).toBe(true);
    expect(matches({ data: { deployment: { duration_seconds: 312 } } })).toBe(true);
    expect(matches({ data: { deployment: { duration_seconds: '312' } } })).toBe(false);
    expect(matches({ data: { deployment: { retried: false } } })).toBe(true);
    expect(matches({ data: { deployment: { retried: 0 } } })).toBe(false);
    expect(matches({ data: { note: null } })).toBe(true);
    expect(matches({ project_id: null }, event({ project_id: null }))).toBe(true);
    expect(matches({ project_id: null })).toBe(false);
  });

  it('not equals: $neq, true for another value, another type, or a missing field', () => {
    expect(matches({ data: { severity: { $neq: 'info' } } })).toBe(true);
    expect(matches({ data: { severity: { $neq: 'error' } } })).toBe(false);
    expect(matches({ data: { deployment: { duration_seconds: { $neq: '312' } } } })).toBe(true);
    expect(matches({ data: { missing: { $neq: 'x' } } })).toBe(true);
  });

  it('in / not in: a list of scalars', () => {
    expect(matches({ data: { severity: { $in: ['error', 'critical'] } } })).toBe(true);
    expect(matches({ data: { severity: { $in: ['info'] } } })).toBe(false);
    expect(matches({ project_id: { $in: ['prj_shop', null] } }, event({ project_id: null }))).toBe(true);
    expect(matches({ data: { severity: { $nin: ['info', 'warning'] } } })).toBe(true);
    expect(matches({ data: { severity: { $nin: ['error'] } } })).toBe(false);
    expect(matches({ data: { missing: { $in: ['x'] } } })).toBe(false);
    expect(matches({ data: { missing: { $nin: ['x'] } } })).toBe(true);
    // A list field is not a member of a list of scalars.
    expect(matches({ data: { deployment: { tags: { $in: ['odoo'] } } } })).toBe(false);
  });

  it('greater / less than (or equal) between numbers, or between strings', () => {
    expect(matches({ data: { deployment: { duration_seconds: { $gt: 300 } } } })).toBe(true);
    expect(matches({ data: { deployment: { duration_seconds: { $gt: 312 } } } })).toBe(false);
    expect(matches({ data: { deployment: { duration_seconds: { $gte: 312 } } } })).toBe(true);
    expect(matches({ data: { deployment: { duration_seconds: { $lt: 312 } } } })).toBe(false);
    expect(matches({ data: { deployment: { duration_seconds: { $lte: 312, $gt: 0 } } } })).toBe(true);
    expect(matches({ data: { at: { $gte: '2026-01-01T00:00:00Z' } } }, event({ data: { at: '2026-03-01T10:00:00Z' } }))).toBe(true);
    expect(matches({ data: { at: { $lt: '2026-01-01T00:00:00Z' } } }, event({ data: { at: '2026-03-01T10:00:00Z' } }))).toBe(false);
  });

  it('type mismatches never match an ordering, nor a prefix', () => {
    for (const operator of ['$gt', '$gte', '$lt', '$lte']) {
      expect(matches({ data: { deployment: { duration_seconds: { [operator]: '300' } } } })).toBe(false);
      expect(matches({ data: { severity: { [operator]: 1 } } })).toBe(false);
      expect(matches({ data: { deployment: { [operator]: 1 } } })).toBe(false);
      expect(matches({ data: { note: { [operator]: 0 } } })).toBe(false);
    }
    expect(matches({ data: { deployment: { duration_seconds: { $startsWith: '3' } } } })).toBe(false);
    expect(matches({ data: { deployment: { tags: { $endsWith: 'eu' } } } })).toBe(false);
  });

  it('exists: present, null included, or absent', () => {
    expect(matches({ data: { deployment: { id: { $exists: true } } } })).toBe(true);
    expect(matches({ data: { note: { $exists: true } } })).toBe(true);
    expect(matches({ data: { missing: { $exists: true } } })).toBe(false);
    expect(matches({ data: { missing: { $exists: false } } })).toBe(true);
    expect(matches({ data: { deployment: { id: { $exists: false } } } })).toBe(false);
  });

  it('prefix and suffix on strings', () => {
    expect(matches({ data: { deployment: { git_branch: { $startsWith: 'release/' } } } })).toBe(true);
    expect(matches({ data: { deployment: { git_branch: { $startsWith: 'main' } } } })).toBe(false);
    expect(matches({ type: { $startsWith: 'deployment.' } })).toBe(true);
    expect(matches({ data: { environment: { primary_url: { $endsWith: '.example.com' } } } })).toBe(true);
    expect(matches({ data: { missing: { $startsWith: 'x' } } })).toBe(false);
  });

  it('missing paths: every path under a missing or non-object value is missing', () => {
    expect(matches({ data: { nowhere: { deeper: 'x' } } })).toBe(false);
    expect(matches({ data: { nowhere: { deeper: { $exists: false } } } })).toBe(true);
    expect(matches({ data: { severity: { deeper: { $exists: false } } } })).toBe(true);
    expect(matches({ data: { deployment: { tags: { 0: 'odoo' } } } })).toBe(false);
    expect(matches({ data: { environment: { name: 'production' } } }, event({ data: {} }))).toBe(false);
  });

  it('reads own fields only, never what objects inherit', () => {
    expect(matches({ data: { constructor: { $exists: true } } })).toBe(false);
    expect(matches({ data: { toString: { $exists: false } } })).toBe(true);
    const ownProto = JSON.parse('{"data": {"__proto__": {"$exists": true}}}') as Filter;
    expect(matches(ownProto)).toBe(false);
    expect(matches(ownProto, event({ data: JSON.parse('{"__proto__": 1}') }))).toBe(true);
  });

  it('$and, $or and $not group conditions, at the top or inside data', () => {
    const slack = { $or: [{ data: { environment: { name: 'staging' } } }, { data: { environment: { name: { $startsWith: 'preview-' } } } }] };
    expect(matches(slack, event({ data: { environment: { name: 'staging' } } }))).toBe(true);
    expect(matches(slack, event({ data: { environment: { name: 'preview-41' } } }))).toBe(true);
    expect(matches(slack)).toBe(false);
    expect(matches({ $and: [{ type: 'deployment.failed' }, { project_id: 'prj_shop' }] })).toBe(true);
    expect(matches({ $and: [{ type: 'deployment.failed' }, { project_id: 'prj_other' }] })).toBe(false);
    expect(matches({ $not: { data: { environment: { name: 'production' } } } })).toBe(false);
    expect(matches({ $not: { data: { environment: { name: 'staging' } } } })).toBe(true);
    expect(matches({ data: { $or: [{ severity: 'critical' }, { deployment: { duration_seconds: { $gt: 300 } } }] } })).toBe(true);
    expect(matches({ data: { environment: { $not: { name: 'production' } } } })).toBe(false);
    expect(matches({ data: { environment: { $not: { name: { $exists: true } } } } })).toBe(false);
  });

  it('never throws on what validation would refuse, and answers false', () => {
    const refused: unknown[] = [
      { id: 'evt_1' },
      { org_id: 'org_1' },
      { $gt: 1 },
      { data: [1] },
      { data: { severity: { $regex: '.*' } } },
      { $or: 'x' },
      { $not: 1 },
      { data: { severity: { $eq: 'error', other: 1 } } },
      { data: { missing: { $nin: 'x' } } },
      { data: { missing: { $neq: ['x'] } } },
    ];
    for (const filter of refused) {
      expect(validateFilter(filter)).not.toEqual([]);
      expect(matchesFilter(filter as Filter, event())).toBe(false);
    }
    let deep: Filter = { severity: 'error' };
    for (let i = 0; i < 10_000; i++) deep = { $and: [deep] };
    expect(matchesFilter({ data: deep }, event())).toBe(false);
  });
});

describe('validateFilter', () => {
  const issues = (filter: unknown) => validateFilter(filter).map(({ path, operator }) => ({ path, operator }));

  it('accepts every operator with the operand it takes', () => {
    const all = {
      type: { $in: ['deployment.failed'], $nin: ['x'], $neq: 'y', $startsWith: 'd', $endsWith: 'd' },
      project_id: { $eq: null },
      data: { n: { $gt: 1, $gte: '1', $lt: 2, $lte: 2 }, e: { $exists: false } },
      $and: [{ type: 'a' }],
      $or: [{ type: 'a' }, { type: 'b' }],
      $not: { data: { x: true } },
    };
    expect(validateFilter(all)).toEqual([]);
  });

  it('names the path inside the filter and the operator at fault', () => {
    expect(validateFilter({ data: { severity: { $gt: true } } })).toEqual([{ path: ['data', 'severity', '$gt'], operator: '$gt', message: '$gt takes a number or a string' }]);
    expect(issues({ $or: [{ type: 'a' }, { data: { env: { $in: [] } } }] })).toEqual([{ path: ['$or', 1, 'data', 'env', '$in'], operator: '$in' }]);
    expect(issues({ data: { env: { $in: [{ a: 1 }] } } })).toEqual([{ path: ['data', 'env', '$in'], operator: '$in' }]);
    expect(issues({ data: { env: { $exists: 'yes' } } })).toEqual([{ path: ['data', 'env', '$exists'], operator: '$exists' }]);
    expect(issues({ data: { env: { $startsWith: '' } } })).toEqual([{ path: ['data', 'env', '$startsWith'], operator: '$startsWith' }]);
    expect(issues({ data: { env: { $eq: [1] } } })).toEqual([{ path: ['data', 'env', '$eq'], operator: '$eq' }]);
    expect(issues({ data: { env: { $regex: 'x' } } })).toEqual([{ path: ['data', 'env', '$regex'], operator: '$regex' }]);
    expect(issues({ $and: [] })).toEqual([{ path: ['$and'], operator: '$and' }]);
    expect(issues({ $or: [{ type: 'a' }, 'b'] })).toEqual([{ path: ['$or', 1], operator: '$or' }]);
    expect(issues({ $not: [] })).toEqual([{ path: ['$not'], operator: '$not' }]);
    expect(issues({ $eq: 'x' })).toEqual([{ path: ['$eq'], operator: '$eq' }]);
    expect(issues({ data: { env: { $eq: 'x', name: 'y' } } })).toEqual([{ path: ['data', 'env', 'name'], operator: '$eq' }]);
  });

  it('refuses what is not a filter, unknown envelope fields, lists as values and empty objects', () => {
    for (const value of [null, 'type', 3, [], [{ type: 'a' }]]) expect(issues(value)).toEqual([{ path: [], operator: null }]);
    expect(validateFilter({})[0].message).toBe('has no conditions; use null for no filter');
    expect(issues({ org_id: 'org_1', type: 'a', occurred_at: 'x' })).toEqual([
      { path: ['org_id'], operator: null },
      { path: ['occurred_at'], operator: null },
    ]);
    expect(issues({ data: { tags: ['a'] } })).toEqual([{ path: ['data', 'tags'], operator: null }]);
    expect(issues({ data: { env: {} } })).toEqual([{ path: ['data', 'env'], operator: null }]);
    expect(issues({ type: { name: 'x' } })).toEqual([{ path: ['type'], operator: null }]);
    expect(issues({ $or: [{ id: 'x' }] })).toEqual([{ path: ['$or', 0, 'id'], operator: null }]);
  });

  it('bounds depth, conditions, list length and size', () => {
    const nested = (levels: number): Filter => {
      let inner: Filter = { $exists: true };
      for (let i = 0; i < levels; i++) inner = { [`f${i}`]: inner };
      return inner;
    };
    // The filter is level 1 and data's object level 2, so the operator object sits at level levels + 2.
    expect(validateFilter({ data: nested(FILTER_LIMITS.depth - 2) })).toEqual([]);
    const tooDeep = validateFilter({ data: nested(FILTER_LIMITS.depth - 1) });
    expect(tooDeep).toHaveLength(1);
    expect(tooDeep[0].message).toBe(`nested more than ${FILTER_LIMITS.depth} levels deep`);
    expect(tooDeep[0].operator).toBe('$exists');
    let groups: Filter = { type: 'a' };
    for (let i = 0; i < 100_000; i++) groups = { $not: groups };
    expect(validateFilter(groups)).toEqual([{ path: Array(FILTER_LIMITS.depth).fill('$not'), operator: '$not', message: `nested more than ${FILTER_LIMITS.depth} levels deep` }]);

    const wide = { data: Object.fromEntries(Array.from({ length: FILTER_LIMITS.conditions }, (_, i) => [`f${i}`, i])) };
    expect(validateFilter(wide)[0].message).toBe(`the filter has more than ${FILTER_LIMITS.conditions} conditions (keys and list items)`);
    const list = (n: number) => ({ data: { env: { $in: Array.from({ length: n }, (_, i) => i) } } });
    expect(validateFilter(list(FILTER_LIMITS.listItems))).toEqual([]);
    expect(issues(list(FILTER_LIMITS.listItems + 1))).toEqual([{ path: ['data', 'env', '$in'], operator: '$in' }]);
    const lists = { $or: [list(FILTER_LIMITS.listItems), list(FILTER_LIMITS.listItems)] };
    expect(issues(lists)).toEqual([{ path: ['$or', 1, 'data', 'env', '$in'], operator: null }]);
    const big = validateFilter({ data: { note: 'x'.repeat(FILTER_LIMITS.bytes) } });
    expect(big).toEqual([{ path: [], operator: null, message: expect.stringMatching(/^the filter is \d+ bytes as JSON, more than 8192$/) }]);
  });
});
