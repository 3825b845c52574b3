import { z } from 'zod';
import { responseSchema } from './schemas';

export const ProblemSchema = responseSchema(
  'Problem',
  z
    .object({
      type: z.string().describe('URI naming the kind of problem, e.g. urn:herald:problem:validation'),
      title: z.string(),
      status: z.number().int(),
      detail: z.string().optional(),
      instance: z.string().optional().describe('The request path'),
      field: z.string().optional().describe('The (first) field at fault'),
      errors: z.array(z.object({ field: z.string(), message: z.string(), operator: z.string().optional().describe("A content filter's operator at fault") })).optional(),
    })
    .catchall(z.unknown()),
  'RFC 9457 problem details',
);

/** `{ data, next_cursor }`, registered as `<id>`. */
export function listSchema<T extends z.ZodType>(id: string, item: T) {
  return responseSchema(
    id,
    z.object({
      data: z.array(item),
      next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
    }),
  );
}

/** Timestamps travel as ISO 8601 strings. */
export const timestamp = z.iso.datetime();
