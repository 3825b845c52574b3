import { ArgumentsHost, Catch, HttpException, Logger, NotFoundException, type ExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { InvalidEventError } from '@herald/events';
import { LimitReachedError } from '@herald/persistence';
import { PROBLEM_CONTENT_TYPE, ProblemError, type ProblemDetails } from './problem';

/** Maps what admin handlers throw to RFC 9457 problem details; never leaks a stack or an internal message. */
export function toProblem(error: unknown): ProblemError | null {
  if (error instanceof ProblemError) return error;
  if (error instanceof InvalidEventError) return error.code === 'too_large' ? ProblemError.bodyTooLarge(error.message) : ProblemError.invalidField(error.field || 'body', error.reason);
  if (error instanceof LimitReachedError) return ProblemError.limitReached(error.message, error.limit);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return new ProblemError(status, 'about:blank', titleOf(error), status >= 500 ? undefined : error.message);
  }
  return null;
}

function titleOf(error: HttpException): string {
  const response = error.getResponse();
  return typeof response === 'object' && response !== null && 'error' in response ? String(response.error) : error.name;
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('admin-api');

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(error);
    if (!problem || problem.status >= 500) this.logger.error({ msg: 'request failed', method: request.method, path: request.path, error: error instanceof Error ? error.stack : String(error) });
    const details: ProblemDetails = problem
      ? problem.toDetails(request.path)
      : { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'the request could not be completed', instance: request.path };
    writeProblem(response, details);
  }
}

export function writeProblem(response: Response, details: ProblemDetails): void {
  response.status(details.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(details));
}

/**
 * A path under the admin prefix that no controller serves answers problem+json like every other API error
 * (the controllers' ProblemFilter never sees it: Nest's router throws before any controller is chosen).
 * Elsewhere (/healthz, /metrics, the docs) Nest answers as usual.
 */
@Catch(NotFoundException)
export class UnknownAdminRouteFilter extends BaseExceptionFilter {
  constructor(
    private readonly prefix: string,
    ...base: ConstructorParameters<typeof BaseExceptionFilter>
  ) {
    super(...base);
  }

  override catch(error: NotFoundException, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    if (request.path !== this.prefix && !request.path.startsWith(`${this.prefix}/`)) return super.catch(error, host);
    writeProblem(host.switchToHttp().getResponse<Response>(), ProblemError.notFound('route', `${request.method} ${request.path}`).toDetails(request.path));
  }
}
