import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, from, mergeMap, of, throwError, type Observable } from 'rxjs';
import { IdempotencyRecordRepository } from '@herald/persistence';
import type { AdminRequest } from '../auth/caller';
import { ProblemError } from '../problems/problem';
import { isValidIdempotencyKey, requestHash } from './request-hash';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * `Idempotency-Key` on a mutation: the first request claims the key for the org and, when it
 * succeeds, its response is stored for 24 h. A repeat gets that response back without the work
 * being done again; the same key on a different request is a 422, and on one still running a
 * 409. A request that fails gives the key back, so retrying it after a fix works.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly records: IdempotencyRecordRepository) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.header(IDEMPOTENCY_HEADER);
    if (!MUTATING.has(request.method) || key === undefined || !request.caller) return next.handle();
    if (!isValidIdempotencyKey(key)) throw ProblemError.invalidField(IDEMPOTENCY_HEADER, 'must be 1 to 255 printable ASCII characters', 400);

    const { orgId } = request.caller;
    const identity = { method: request.method, path: request.originalUrl, requestHash: requestHash(request.method, request.originalUrl, request.body) };
    const claim = await this.records.claim({ orgId, key, ...identity }, TTL_MS);
    if (claim.kind === 'existing') {
      const { record } = claim;
      if (record.method !== identity.method || record.path !== identity.path || record.requestHash !== identity.requestHash) throw ProblemError.idempotencyMismatch();
      if (record.statusCode === null) throw ProblemError.idempotencyInProgress();
      response.status(record.statusCode).setHeader(REPLAYED_HEADER, 'true');
      return of(record.responseBody ?? undefined);
    }

    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        await this.records.complete(orgId, key, response.statusCode, body);
        return body;
      }),
      catchError((error: unknown) => from(this.records.release(orgId, key)).pipe(mergeMap(() => throwError(() => error)))),
    );
  }
}
