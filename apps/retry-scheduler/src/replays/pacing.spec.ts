import fc from 'fast-check';
import { decideStep, nextSendAt, stateChanges } from './pacing';

const webhookReplay = (nextSendAt: Date | null = null) => ({ nextSendAt, destinationKind: 'webhook' });

describe('decideStep', () => {
  it('cancels when the destination is deleted, naming it', () => {
    expect(decideStep(webhookReplay(), 'deleted', 0)).toEqual({ kind: 'cancel', reason: 'webhook deleted' });
    expect(decideStep({ nextSendAt: null, destinationKind: 'email' }, 'deleted', 0)).toEqual({ kind: 'cancel', reason: 'email channel deleted' });
  });

  it('waits while the destination is paused or disabled, whatever the pacing says', () => {
    expect(decideStep(webhookReplay(), 'paused', 0)).toMatchObject({ kind: 'wait', reason: expect.stringContaining('paused') });
    expect(decideStep(webhookReplay(new Date(10)), 'disabled', 0)).toMatchObject({ kind: 'wait', reason: expect.stringContaining('disabled') });
  });

  it('sends when the next send time has come, and not before', () => {
    expect(decideStep(webhookReplay(), 'active', 1_000)).toEqual({ kind: 'send' });
    expect(decideStep(webhookReplay(new Date(1_000)), 'active', 1_000)).toEqual({ kind: 'send' });
    expect(decideStep(webhookReplay(new Date(1_050)), 'active', 1_000)).toEqual({ kind: 'later', at: 1_050 });
  });
});

describe('nextSendAt', () => {
  it('spaces sends by 1000 / rate ms, rounded up', () => {
    expect(nextSendAt(0, 20)).toBe(50);
    expect(nextSendAt(1_000, 3)).toBe(1_334);
    expect(nextSendAt(0, 100)).toBe(10);
  });

  it('keeps every one-second window at or under the rate however late the steps run', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 400 }), (rate, lateness) => {
        // A step runs some time after it was due (timers, a busy machine), sends if decideStep says so.
        const sends: number[] = [];
        let next: Date | null = null;
        let now = 0;
        for (const late of lateness) {
          const decision = decideStep(webhookReplay(next), 'active', now);
          if (decision.kind === 'send') {
            sends.push(now);
            next = new Date(nextSendAt(now, rate));
            now = next.getTime() + late;
          } else if (decision.kind === 'later') {
            now = decision.at + late;
          }
        }
        for (let i = 0; i < sends.length; i++) {
          const inWindow = sends.filter((t) => t >= sends[i] && t < sends[i] + 1000).length;
          expect(inWindow).toBeLessThanOrEqual(rate);
        }
      }),
    );
  });
});

describe('stateChanges', () => {
  it('writes a waiting state once, and again only when its reason changes', () => {
    expect(stateChanges({ state: 'running', reason: null }, { state: 'waiting', reason: 'paused' })).toBe(true);
    expect(stateChanges({ state: 'waiting', reason: 'paused' }, { state: 'waiting', reason: 'paused' })).toBe(false);
    expect(stateChanges({ state: 'waiting', reason: 'paused' }, { state: 'waiting', reason: 'disabled' })).toBe(true);
  });
});
