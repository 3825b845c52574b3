import { Headers, Topics, type InboundMessage } from '@herald/kafka';

/** Retries may only return to a deliveries topic; anything else is a forged or broken header. */
const RETURN_TOPICS = new Set<string>([Topics.webhookDeliveries, Topics.emailDeliveries]);

export type RetryDecision = { kind: 'due'; returnTo: string; dueAt: number } | { kind: 'wait'; until: number } | { kind: 'invalid'; reason: string };

export function decide(message: InboundMessage, now: number): RetryDecision {
  const returnTo = message.headers[Headers.returnTo];
  if (!returnTo || !RETURN_TOPICS.has(returnTo)) return { kind: 'invalid', reason: `header ${Headers.returnTo} must name a deliveries topic` };
  const dueAt = Number(message.headers[Headers.dueAt]);
  if (!Number.isFinite(dueAt)) return { kind: 'invalid', reason: `header ${Headers.dueAt} must be epoch milliseconds` };
  return dueAt <= now ? { kind: 'due', returnTo, dueAt } : { kind: 'wait', until: dueAt };
}
