import { z } from 'zod';
import { timestamp } from '../openapi/common-schemas';
import { responseSchema } from '../openapi/schemas';

const counts = { succeeded: z.number().int(), failed: z.number().int(), pending: z.number().int(), held: z.number().int() };

export const OverviewSchema = responseSchema(
  'Overview',
  z.object({
    since: timestamp.describe('Start of the window: 24 hours ago'),
    hourly: z.array(z.object({ hour: timestamp, ...counts })).describe('Deliveries created per hour in the window, by current status; hours without any are left out'),
    totals: z.object({ ...counts, success_rate: z.number().nullable().describe('succeeded / (succeeded + failed) in the window; null when nothing finished') }),
    held_now: z.number().int().describe('Deliveries held for paused destinations, whenever created'),
    destinations: z
      .array(z.object({ id: z.string(), last_delivery_at: timestamp.nullable(), succeeded: z.number().int(), failed: z.number().int() }))
      .describe('Per webhook or email channel: its last attempt ever and its outcomes in the window'),
  }),
);
export type OverviewView = z.output<typeof OverviewSchema>;
