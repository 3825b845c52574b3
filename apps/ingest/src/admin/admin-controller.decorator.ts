import { applyDecorators, Controller, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from './auth/admin.guard';
import { IDEMPOTENCY_HEADER, IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { ApiProblems } from './openapi/decorators';
import { ProblemFilter } from './problems/problem.filter';

export const API_KEY_SCHEME = 'api-key';

/**
 * An admin API controller: bearer-key auth, rate limits and permissions (AdminGuard),
 * Idempotency-Key on mutations, RFC 9457 errors, and the OpenAPI bits every route shares.
 */
export function AdminController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    UseGuards(AdminGuard),
    UseInterceptors(IdempotencyInterceptor),
    UseFilters(ProblemFilter),
    ApiTags(tag),
    ApiBearerAuth(API_KEY_SCHEME),
    ApiProblems(401, 403, 429),
  );
}

/** Documents the Idempotency-Key header on a mutation. */
export const Idempotent = () =>
  applyDecorators(
    ApiHeader({ name: IDEMPOTENCY_HEADER, required: false, description: 'Repeat within 24 h returns the stored response; reused for a different request → 422' }),
    ApiProblems(409, 422),
  );
