import { z } from 'zod';
import { ALL_EVENT_TYPES, type EventCatalog } from '@herald/events';
import { ProblemError } from './problems/problem';

/** Event types a destination subscribes to; empty means every type enabled for the org. */
export const eventTypesField = z
  .array(z.string().trim().min(1).max(128))
  .describe('Event types (or their aliases) from /event-types; empty means all enabled for the org; ["*"] means every type, those off by default too');

/** Project ids a destination is scoped to; empty means every project. */
export const projectIdsField = z.array(z.string().trim().min(1).max(128)).max(100).describe('Project scope; empty means every project');

/** Known types, aliases or `*` only, at most `max` (seed 000: 10), each once, kept as written. */
export function checkEventTypes(types: readonly string[], catalog: EventCatalog, max: number, field = 'events'): string[] {
  const unique = [...new Set(types)];
  unique.forEach((type) => {
    if (type !== ALL_EVENT_TYPES && !catalog.has(type)) throw ProblemError.invalidField(`${field}.${types.indexOf(type)}`, `unknown event type '${type}'`);
  });
  if (unique.length > max) throw ProblemError.limitReached(`at most ${max} event types per subscription, got ${unique.length}`, max, field);
  return unique;
}
