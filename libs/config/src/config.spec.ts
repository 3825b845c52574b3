import { loadConfig } from './config';

describe('loadConfig', () => {
  it('parses durations once, at load, into milliseconds', () => {
    expect(loadConfig({ HERALD_ENDPOINT_SPILL_DELAY: '2s' }).HERALD_ENDPOINT_SPILL_DELAY).toBe(2_000);
    expect(loadConfig({ HERALD_ENDPOINT_SPILL_DELAY: '1m' }).HERALD_ENDPOINT_SPILL_DELAY).toBe(60_000);
    expect(loadConfig({}).HERALD_ENDPOINT_SPILL_DELAY).toBe(5_000);
  });

  it('reads its own parsed form again (Nest writes parsed values back into process.env)', () => {
    const parsed = loadConfig({ HERALD_ENDPOINT_SPILL_DELAY: '2s' });
    expect(loadConfig({ HERALD_ENDPOINT_SPILL_DELAY: String(parsed.HERALD_ENDPOINT_SPILL_DELAY) }).HERALD_ENDPOINT_SPILL_DELAY).toBe(2_000);
  });

  it('names a bad duration', () => {
    expect(() => loadConfig({ HERALD_ENDPOINT_SPILL_DELAY: 'soon' })).toThrow('HERALD_ENDPOINT_SPILL_DELAY: looks like 500ms, 5s, 2m or 1h');
  });

  it('bounds the fetch linger to a second, off by default', () => {
    expect(loadConfig({}).HERALD_FETCH_LINGER).toBe(0);
    expect(loadConfig({ HERALD_FETCH_LINGER: '30ms' }).HERALD_FETCH_LINGER).toBe(30);
    expect(() => loadConfig({ HERALD_FETCH_LINGER: '2s' })).toThrow('HERALD_FETCH_LINGER: at most 1s');
  });

  it('bounds the queue per endpoint and the timeouts in a row that open a breaker', () => {
    expect(loadConfig({})).toMatchObject({ HERALD_ENDPOINT_MAX_QUEUED: 1000, HERALD_BREAKER_CONSECUTIVE_FAILURES: 3 });
    expect(() => loadConfig({ HERALD_ENDPOINT_MAX_QUEUED: '0' })).toThrow('HERALD_ENDPOINT_MAX_QUEUED');
  });
});
