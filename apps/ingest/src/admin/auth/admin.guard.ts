import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { ApiKeyRepository, RateLimitCounterRepository } from '@herald/persistence';
import { ProblemError } from '../problems/problem';
import { bucketsFor, rateLimitVerdict, type RateLimits } from '../rate-limit/rate-limit';
import { bearerToken, hashApiKey } from './api-key-secret';
import type { AdminRequest } from './caller';
import { isPermission, type Permission } from './permissions';

const PERMISSION = Symbol('permission');

/** The permission a route needs. Routes needing `webhooks:write` are the webhook mutations seed 000 rate-limits tighter. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION, permission);

/**
 * Every admin request, in order: authenticate the bearer key (401), count it against its rate
 * limits and say so in the headers (429), check the route's permission (403).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly limits: RateLimits;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRepository,
    private readonly counters: RateLimitCounterRepository,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
  ) {
    this.limits = { perKey: config.HERALD_API_RATE_LIMIT, webhookMutations: config.HERALD_API_WEBHOOK_MUTATION_LIMIT };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const permission = this.reflector.get<Permission | undefined>(PERMISSION, context.getHandler());
    if (!permission) throw new Error(`${context.getClass().name}.${context.getHandler().name} declares no permission`);

    const token = bearerToken(request.headers.authorization);
    if (!token) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw ProblemError.unauthorized('send an API key as Authorization: Bearer <key>');
    }
    const key = await this.keys.findActiveByHash(hashApiKey(token));
    if (!key) {
      response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw ProblemError.unauthorized('unknown or revoked API key');
    }

    const buckets = bucketsFor(key.id, permission === 'webhooks:write', this.limits);
    const verdict = rateLimitVerdict(await this.counters.hit(buckets), buckets);
    response.set(verdict.headers);
    if (verdict.retryAfterSeconds !== null) {
      response.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      throw ProblemError.rateLimited(verdict.retryAfterSeconds);
    }
    await this.keys.touch(key.id);

    const permissions = key.permissions.filter(isPermission);
    if (!permissions.includes(permission)) throw ProblemError.forbidden(permission);
    request.caller = { orgId: key.orgId, keyId: key.id, permissions };
    return true;
  }
}
