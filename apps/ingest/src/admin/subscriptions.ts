import { z } from 'zod';
import { ALL_EVENT_TYPES, type EventCatalog } from '@herald/events';
import { FILTER_LIMITS, validateFilter, type Filter } from '@herald/filters';
import { ProblemError } from './problems/problem';

/** Event types a destination subscribes to; empty means every type enabled for the org. */
export const eventTypesField = z
  .array(z.string().trim().min(1).max(128))
  .describe('Event types (or their aliases) from /event-types; empty means all enabled for the org; ["*"] means every type, those off by default too');

/** Project ids a destination is scoped to; empty means every project. */
export const projectIdsField = z.array(z.string().trim().min(1).max(128)).max(100).describe('Project scope; empty means every project');

/**
 * A content filter (docs/filters.md), or null for none. Kept as sent (a zod record would rebuild it and drop keys
 * such as `__proto__`); each problem is reported at its path inside the filter, the operator at fault named.
 */
export const filterField = z
  .custom<Filter>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'must be an object of conditions, or null')
  .superRefine((filter, ctx) => {
    for (const issue of validateFilter(filter)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, params: { operator: issue.operator } });
  })
  .meta({ type: 'object', additionalProperties: {} })
  .nullable()
  .describe(
    `Conditions on the event's type, project_id and data; only events that pass are delivered here. ` +
      `E.g. {"type": "deployment.failed", "data": {"environment": {"name": "production"}}}. Operators: $eq, $neq, $in, $nin, $gt, $gte, $lt, $lte, ` +
      `$exists, $startsWith, $endsWith, $and, $or, $not (docs/filters.md). At most ${FILTER_LIMITS.depth} levels deep, ${FILTER_LIMITS.conditions} conditions, ` +
      `${FILTER_LIMITS.bytes} bytes. null: every event of the listed types and projects`,
  );

/** A destination's filter as the API shows it. */
export const filterView = z.record(z.string(), z.unknown()).nullable().describe('The content filter (docs/filters.md); null: none');

/** Known types, aliases or `*` only, at most `max` (seed 000: 10), each once, kept as written. */
export function checkEventTypes(types: readonly string[], catalog: EventCatalog, max: number, field = 'events'): string[] {
  const unique = [...new Set(types)];
  unique.forEach((type) => {
    if (type !== ALL_EVENT_TYPES && !catalog.has(type)) throw ProblemError.invalidField(`${field}.${types.indexOf(type)}`, `unknown event type '${type}'`);
  });
  if (unique.length > max) throw ProblemError.limitReached(`at most ${max} event types per subscription, got ${unique.length}`, max, field);
  return unique;
}
