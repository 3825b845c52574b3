import { z } from 'zod';
import { listSchema } from '../openapi/common-schemas';
import { requestSchema, responseSchema } from '../openapi/schemas';
import { namePageQuery } from '../pagination/cursor';

export const EventTypesQuerySchema = z.object(namePageQuery);
export type EventTypesQuery = z.output<typeof EventTypesQuerySchema>;

export const ToggleEventTypeSchema = requestSchema('ToggleEventType', z.strictObject({ enabled: z.boolean().describe('Whether the org receives this event type at all') }));
export type ToggleEventType = z.output<typeof ToggleEventTypeSchema>;

export const EventTypeSchema = responseSchema(
  'EventType',
  z.object({
    type: z.string(),
    category: z.string(),
    severity: z.enum(['success', 'failure', 'info']),
    description: z.string(),
    aliases: z.array(z.string()).describe('Other names producers may send for this type; filters and toggles treat them as the type'),
    enabled_by_default: z.boolean(),
    enabled: z.boolean().describe("For this org: its toggle, else the catalog's default"),
  }),
);
export type EventTypeView = z.output<typeof EventTypeSchema>;

export const EventTypeListSchema = listSchema('EventTypeList', EventTypeSchema);
