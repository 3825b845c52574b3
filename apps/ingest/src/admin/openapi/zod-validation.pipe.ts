import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ProblemError } from '../problems/problem';

/** Validates (and coerces) a request part with its zod schema; failures are 422 for bodies, 400 for the rest. */
export class ZodValidationPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(
    private readonly schema: T,
    private readonly part: 'body' | 'query',
  ) {}

  transform(value: unknown): z.output<T> {
    // A mutation sent without a body is read as an empty object, so the missing fields are named.
    const parsed = this.schema.safeParse(this.part === 'body' ? (value ?? {}) : value);
    if (parsed.success) return parsed.data;
    const errors = parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || this.part, message: issue.message, ...operatorOf(issue) }));
    throw ProblemError.invalid(errors, this.part === 'body' ? 422 : 400);
  }
}

/** A content filter's issues name the operator at fault (subscriptions.ts's filterField puts it in the params). */
function operatorOf(issue: z.core.$ZodIssue): { operator?: string } {
  const operator = issue.code === 'custom' ? issue.params?.operator : undefined;
  return typeof operator === 'string' ? { operator } : {};
}
