import { humanizeKey, keyWords, truncate, TRUNCATION_MARKER } from './text';

describe('truncate', () => {
  it('leaves text that fits alone', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts to exactly max with the marker', () => {
    expect(TRUNCATION_MARKER).toBe('…');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('x'.repeat(10_000), 256)).toHaveLength(256);
  });

  it('drops trailing whitespace before the marker', () => {
    expect(truncate('ab   cdef', 6)).toBe('ab…');
  });

  it('keeps surrogate pairs whole', () => {
    expect(truncate('a🚀b', 3)).toBe('a…');
    expect(truncate('🚀🚀🚀', 4)).toBe('🚀…');
  });

  it('handles tiny and non-positive budgets', () => {
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', -5)).toBe('');
    expect(truncate('abcdef', 4, '[cut]')).toBe('[cut');
  });
});

describe('humanizeKey', () => {
  it.each([
    ['primary_url', 'Primary URL'],
    ['gitSha', 'Git SHA'],
    ['deployment.id', 'Deployment ID'],
    ['dns-records', 'DNS records'],
    ['__', 'Field'],
  ])('%s → %s', (key, label) => expect(humanizeKey(key)).toBe(label));

  it('splits every key style into words', () => {
    expect(keyWords('environmentStatus_changed.now')).toEqual(['environment', 'status', 'changed', 'now']);
  });
});
