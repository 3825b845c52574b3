import { applyDecorators, Body, Query } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { PROBLEM_CONTENT_TYPE } from '../problems/problem';
import { openApiSchema, refTo } from './schemas';
import { ZodValidationPipe } from './zod-validation.pipe';

/** The JSON body, validated by `schema` and documented as its component. An optional body may be left out entirely. */
export function JsonBody(schema: z.ZodType, { required = true } = {}): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodValidationPipe(schema, 'body'))(target, key, index);
    const method = key as string;
    ApiBody({ schema: refTo(schema), required })(target, method, Object.getOwnPropertyDescriptor(target, method)!);
  };
}

/** The query string, validated by `schema` (an object); each of its keys is documented as a parameter. */
export function JsonQuery(schema: z.ZodObject): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodValidationPipe(schema, 'query'))(target, key, index);
    const method = key as string;
    const descriptor = Object.getOwnPropertyDescriptor(target, method)!;
    for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      ApiQuery({ name, required: !field.safeParse(undefined).success, description: field.description, schema: openApiSchema(field, 'input') })(target, method, descriptor);
    }
  };
}

/** A successful JSON answer shaped by `schema` (none for 204). */
export function ApiResult(status: number, description: string, schema?: z.ZodType): MethodDecorator {
  return ApiResponse({ status, description, ...(schema ? { content: { 'application/json': { schema: refTo(schema) } } } : {}) });
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request or invalid query parameter',
  401: 'Missing, unknown or revoked API key',
  403: 'The API key lacks the permission this operation needs',
  404: "No such resource in the API key's org",
  409: 'A request with the same Idempotency-Key is still in progress',
  422: 'Invalid body (the field is named), a limit reached, or an Idempotency-Key reused for a different request',
  429: 'Rate limit exceeded; see Retry-After',
};

/** Error answers, each an RFC 9457 problem. */
export function ApiProblems(...statuses: (keyof typeof PROBLEM_DESCRIPTIONS)[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: PROBLEM_DESCRIPTIONS[status], content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } } }),
    ),
  );
}
