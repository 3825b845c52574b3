import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { ApiKeyRepository, PortalSessionRepository, RateLimitCounterRepository } from '@herald/persistence';
import { ProblemError } from '../problems/problem';
import { bucketsFor, rateLimitVerdict, type RateLimits } from '../rate-limit/rate-limit';
import { bearerToken, hashApiKey } from './api-key-secret';
import type { AdminRequest } from './caller';
import { isPermission, ROLES, type Permission, type Role } from './permissions';
import { CSRF_HEADER, csrfSatisfied, readCookie, SESSION_COOKIE } from './portal-session';

const PERMISSION = Symbol('permission');

/** The permission a route needs. Routes needing `webhooks:write` are the webhook mutations seed 000 rate-limits tighter. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION, permission);

/** Who authenticated: an API key, or a console session opened from a portal link. */
interface Principal {
  id: string;
  orgId: string;
  permissions: Permission[];
  isKey: boolean;
}

/**
 * Every admin request, in order: authenticate the bearer key or, without one, the console session
 * cookie with its CSRF token (401, 403), count it against its rate limits and say so in the headers
 * (429), check the route's permission (403).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly limits: RateLimits;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRepository,
    private readonly sessions: PortalSessionRepository,
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

    const principal = await this.authenticate(request, response);
    const buckets = bucketsFor(principal.id, permission === 'webhooks:write', this.limits);
    const verdict = rateLimitVerdict(await this.counters.hit(buckets), buckets);
    response.set(verdict.headers);
    if (verdict.retryAfterSeconds !== null) {
      response.setHeader('Retry-After', String(verdict.retryAfterSeconds));
      throw ProblemError.rateLimited(verdict.retryAfterSeconds);
    }
    if (principal.isKey) await this.keys.touch(principal.id);

    if (!principal.permissions.includes(permission)) throw ProblemError.forbidden(permission);
    request.caller = { orgId: principal.orgId, keyId: principal.id, permissions: principal.permissions };
    return true;
  }

  private async authenticate(request: AdminRequest, response: Response): Promise<Principal> {
    const token = bearerToken(request.headers.authorization);
    const sessionToken = token ? null : readCookie(request.headers.cookie, SESSION_COOKIE);
    if (sessionToken) return this.consoleSession(request, sessionToken);
    if (!token) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw ProblemError.unauthorized('send an API key as Authorization: Bearer <key>');
    }
    const key = await this.keys.findActiveByHash(hashApiKey(token));
    if (!key) {
      response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw ProblemError.unauthorized('unknown or revoked API key');
    }
    return { id: key.id, orgId: key.orgId, permissions: key.permissions.filter(isPermission), isKey: true };
  }

  /** A console session has its role's permissions; what it changes must carry its CSRF token. */
  private async consoleSession(request: AdminRequest, sessionToken: string): Promise<Principal> {
    const session = await this.sessions.findActiveSession(hashApiKey(sessionToken));
    if (!session) throw ProblemError.unauthorized('the console session ended or is unknown: open a new console link');
    if (!csrfSatisfied(request.method, request.headers[CSRF_HEADER], session.csrfHash)) {
      throw new ProblemError(403, 'urn:herald:problem:csrf', 'Forbidden', `a console request that changes something must echo the CSRF cookie in the ${CSRF_HEADER} header`);
    }
    return { id: session.id, orgId: session.orgId, permissions: [...ROLES[session.role as Role]], isKey: false };
  }
}
