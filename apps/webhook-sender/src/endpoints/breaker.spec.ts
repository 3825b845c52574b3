import { aBreakerPolicy, answered, timedOut } from '../../test/factories';
import { attemptHealth, Breaker } from './breaker';

describe('Breaker', () => {
  it('opens after N unanswered attempts in a row, far below the volume threshold', () => {
    const opened = jest.fn();
    const breaker = new Breaker(aBreakerPolicy({ consecutiveFailures: 3, volume: 100 }), opened);
    for (const now of [0, 10_000, 20_000]) breaker.record(breaker.permit(now) as 'closed', 'unreachable', now);
    expect(breaker.isOpen).toBe(true);
    expect(opened).toHaveBeenCalledTimes(1);
    expect(breaker.permit(20_001)).toBe('open');
  });

  it('starts the count again after any answer', () => {
    const breaker = new Breaker(aBreakerPolicy({ consecutiveFailures: 3, volume: 100 }));
    for (const health of ['unreachable', 'unreachable', 'failed', 'unreachable', 'unreachable'] as const) breaker.record('closed', health, 0);
    expect(breaker.isOpen).toBe(false);
  });

  it('opens on the error share once the window holds the volume, and forgets attempts older than the window', () => {
    const breaker = new Breaker(aBreakerPolicy({ errorPercent: 50, volume: 4, windowMs: 10_000 }));
    breaker.record('closed', 'failed', 0);
    breaker.record('closed', 'failed', 0);
    // Both failures fall out of the window before the volume is reached.
    breaker.record('closed', 'ok', 20_000);
    breaker.record('closed', 'ok', 20_000);
    breaker.record('closed', 'failed', 20_000);
    expect(breaker.isOpen).toBe(false);
    breaker.record('closed', 'failed', 21_000);
    expect(breaker.isOpen).toBe(true);
  });

  it('lets one probe through after the reset time; its answer closes or reopens the breaker', () => {
    const breaker = new Breaker(aBreakerPolicy({ consecutiveFailures: 1, resetMs: 30_000 }));
    breaker.record('closed', 'unreachable', 0);
    expect(breaker.permit(29_999)).toBe('open');
    expect(breaker.permit(30_000)).toBe('probe');
    expect(breaker.permit(30_001)).toBe('open'); // one probe at a time
    breaker.record('probe', 'unreachable', 40_000);
    expect(breaker.permit(69_999)).toBe('open');
    expect(breaker.permit(70_000)).toBe('probe');
    breaker.record('probe', 'ok', 70_001);
    expect(breaker.permit(70_002)).toBe('closed');
  });

  it('counts as open until a probe closes it: half-open between probes is not closed (the gauge and its alert must not flicker)', () => {
    const breaker = new Breaker(aBreakerPolicy({ consecutiveFailures: 1, resetMs: 2_000 }));
    breaker.record('closed', 'unreachable', 0);
    // Past the reset time, no delivery has come to probe it yet: still not closed.
    expect(breaker.isOpen).toBe(true);
    expect(breaker.permit(60_000)).toBe('probe');
    expect(breaker.isOpen).toBe(true); // probing
    breaker.record('probe', 'failed', 60_100);
    expect(breaker.isOpen).toBe(true);
    expect(breaker.permit(62_100)).toBe('probe');
    breaker.record('probe', 'ok', 62_200);
    expect(breaker.isOpen).toBe(false);
  });

  it('ignores attempts that started before it opened', () => {
    const breaker = new Breaker(aBreakerPolicy({ consecutiveFailures: 1, resetMs: 30_000 }));
    breaker.record('closed', 'unreachable', 0);
    breaker.record('closed', 'ok', 1);
    expect(breaker.isOpen).toBe(true);
  });

  it('reads a timeout or connection failure as unreachable, any other non-2xx as failed', () => {
    expect([answered(204), answered(503), timedOut(), { kind: 'refused' as const, latencyMs: 0 as const, error: 'x' }].map(attemptHealth)).toEqual(['ok', 'failed', 'unreachable', 'failed']);
  });
});
