import type { DestinationStatus, ReplayState } from '@herald/persistence';

/** What one step of a replay does, from its destination's status and its pacing. */
export type ReplayDecision =
  | { kind: 'cancel'; reason: string }
  /** Paused or disabled: the replay waits in `waiting` (nothing sent, nothing skipped) and looks again later. */
  | { kind: 'wait'; reason: string }
  /** The cap: the next item may not go before `at`. */
  | { kind: 'later'; at: number }
  | { kind: 'send' };

const WAIT_REASONS: Record<Exclude<DestinationStatus, 'active' | 'deleted'>, string> = {
  paused: 'destination paused: the replay goes on when it is resumed',
  disabled: 'destination disabled: the replay goes on when it is enabled',
};

export function decideStep(replay: { nextSendAt: Date | null; destinationKind: string }, destination: DestinationStatus, now: number): ReplayDecision {
  if (destination === 'deleted') return { kind: 'cancel', reason: `${replay.destinationKind === 'email' ? 'email channel' : 'webhook'} deleted` };
  if (destination !== 'active') return { kind: 'wait', reason: WAIT_REASONS[destination] };
  const due = replay.nextSendAt?.getTime() ?? now;
  return due > now ? { kind: 'later', at: due } : { kind: 'send' };
}

/**
 * One item per step, each at least 1000 / rate ms after the one before (the next one's earliest time is kept in
 * the database, so a restart does not send early): any one-second window holds at most `rate` sends.
 */
export function nextSendAt(sentAt: number, rate: number): number {
  return sentAt + Math.ceil(1000 / rate);
}

/** Whether a step must write the state (a waiting replay writes it once, not on every look). */
export function stateChanges(current: { state: ReplayState; reason: string | null }, next: { state: ReplayState; reason: string | null }): boolean {
  return current.state !== next.state || current.reason !== next.reason;
}
