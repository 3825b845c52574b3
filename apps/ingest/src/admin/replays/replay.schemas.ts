import { z } from 'zod';
import { listSchema, timestamp } from '../openapi/common-schemas';
import { requestSchema, responseSchema } from '../openapi/schemas';

/** Deliveries per second: a low default, and a maximum that keeps one replay a small share of a sender's work. */
export const REPLAY_RATE = { default: 5, max: 100 } as const;

const instant = z.iso.datetime({ offset: true });

export const CreateReplaySchema = requestSchema(
  'CreateReplay',
  z.strictObject({
    since: instant.describe("Replay events created (accepted by Herald) at or after this time"),
    until: instant.optional().describe('…and before this time; default now. Not in the future: the selection is fixed when the replay is created'),
    deliveries: z
      .enum(['failed', 'all'])
      .default('failed')
      .describe("failed: the destination's failed deliveries; all: every event the destination receives by its current subscription (a backfill, back to the event log's retention, from before the destination existed too)"),
    rate: z.number().int().min(1).max(REPLAY_RATE.max).default(REPLAY_RATE.default).describe(`Deliveries per second, at most ${REPLAY_RATE.max}; default ${REPLAY_RATE.default}`),
  }),
);
export type CreateReplay = z.output<typeof CreateReplaySchema>;

export const ReplaySchema = responseSchema(
  'Replay',
  z.object({
    id: z.string(),
    destination: z.object({ kind: z.enum(['webhook', 'email']), id: z.string() }),
    deliveries: z.enum(['failed', 'all']),
    since: timestamp,
    until: timestamp,
    rate: z.number().int().describe('Deliveries per second'),
    state: z.enum(['running', 'waiting', 'completed', 'cancelled']).describe('waiting: the destination is paused or disabled; the replay goes on when it is not'),
    reason: z.string().nullable().describe('Why it waits or was cancelled'),
    total: z.number().int().describe('Deliveries selected when it was created, in event order'),
    sent: z.number().int().describe('Of those, sent so far'),
    succeeded: z.number().int().describe('Sent and since delivered'),
    failed: z.number().int().describe('Sent and since failed for good'),
    created_at: timestamp,
    updated_at: timestamp,
    finished_at: timestamp.nullable(),
  }),
);
export type ReplayView = z.output<typeof ReplaySchema>;

export const ReplayListSchema = listSchema('ReplayList', ReplaySchema);
