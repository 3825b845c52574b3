import { parseDuration, retryTiers, tierFor, topicConfigs, Topics } from './topology';

describe('retry tiers', () => {
  const tiers = retryTiers(['30s', '1s', '5s', '2m', '1h']);

  it('parses durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5s')).toBe(5000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('6h')).toBe(21_600_000);
    expect(() => parseDuration('5 seconds')).toThrow(/not a duration/);
  });

  it('sorts tiers and names their topics', () => {
    expect(tiers.map((t) => t.topic)).toEqual([
      'herald.retry.1s.v1',
      'herald.retry.5s.v1',
      'herald.retry.30s.v1',
      'herald.retry.2m.v1',
      'herald.retry.1h.v1',
    ]);
  });

  it('waits in the longest tier not longer than the delay', () => {
    expect(tierFor(5000, tiers).name).toBe('5s');
    expect(tierFor(45_000, tiers).name).toBe('30s');
    expect(tierFor(10, tiers).name).toBe('1s');
    expect(tierFor(86_400_000, tiers).name).toBe('1h');
  });

  it('declares every public topic and one per tier', () => {
    const configs = topicConfigs({ partitions: 3, replicationFactor: 1, tiers });
    expect(configs.map((c) => c.topic)).toEqual(expect.arrayContaining([...Object.values(Topics), 'herald.retry.2m.v1']));
    expect(configs).toHaveLength(Object.values(Topics).length + tiers.length);
    expect(configs.every((c) => c.numPartitions === 3)).toBe(true);
  });

  it('requires two in-sync replicas for every write once topics are replicated three ways', () => {
    const floor = (replicationFactor: number) => topicConfigs({ partitions: 3, replicationFactor, tiers }).map((c) => c.configEntries);
    expect(floor(1).every((entries) => entries?.length === 0)).toBe(true);
    expect(floor(3).every((entries) => entries?.some((e) => e.name === 'min.insync.replicas' && e.value === '2'))).toBe(true);
  });
});
