import type { IncomingMessage } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { checkValues, decodeJsonText, InvalidEventError } from '@herald/events';
import { ProblemError } from './problem';
import { toProblem, writeProblem } from './problem.filter';

/**
 * Express middleware in front of the admin API's routes, so that no request reaches a handler (or
 * PostgreSQL) with text it cannot handle, and every refusal is problem+json:
 * path segments that are not valid percent-encoding or that decode to a NUL or a lone surrogate
 * (no resource has such an id: 404), and query values holding those (400 naming the parameter).
 */
export function rejectUnreadableUrls(prefix: string): RequestHandler {
  return (request, response, next) => {
    if (request.path !== prefix && !request.path.startsWith(`${prefix}/`)) return next();
    for (const segment of request.path.split('/')) {
      if (!isReadableSegment(segment)) return writeProblem(response, ProblemError.notFound('resource', segment).toDetails(request.path));
    }
    try {
      checkValues(request.query);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      return writeProblem(response, ProblemError.invalidField(error.field.split('.')[0] || 'query', error.reason, 400).toDetails(request.path));
    }
    next();
  };
}

function isReadableSegment(segment: string): boolean {
  try {
    checkValues(decodeURIComponent(segment));
    return true;
  } catch {
    return false;
  }
}

/**
 * The JSON body parser's `verify`: runs on the raw bytes before JSON.parse, so a deep body is
 * refused before anything recurses into it, and invalid UTF-8 is refused rather than replaced.
 */
export function checkBodyText(_request: IncomingMessage, _response: unknown, body: Buffer): void {
  decodeJsonText(body);
}

/** After the body parser: the parsed body holds no NUL, lone surrogate or out-of-range number (PostgreSQL and canonical JSON refuse them). */
export const checkBodyValues: RequestHandler = (request, _response, next) => {
  if (typeof request.body === 'object' && request.body !== null) checkValues(request.body);
  next();
};

/**
 * The body parser's and the checks' failures as problem+json (Express would answer HTML): too
 * large 413, an unsupported Content-Encoding or charset 415, nesting and values 422 naming the
 * field, anything else it refused (not JSON, a corrupt gzip stream) 400.
 */
export function bodyProblems(maxBody: string): ErrorRequestHandler {
  return (error: { status?: unknown }, request, response, next) => {
    if (error instanceof InvalidEventError) return writeProblem(response, toProblem(error)!.toDetails(request.path));
    // Only the body parser runs before this handler; its refusals (zlib's included) carry a 4xx status.
    if (typeof error?.status !== 'number' || error.status < 400 || error.status >= 500) return next(error);
    const problem =
      error.status === 413
        ? ProblemError.bodyTooLarge(`the body may be at most ${maxBody}`)
        : error.status === 415
          ? new ProblemError(415, 'urn:herald:problem:unsupported-media-type', 'Unsupported Media Type', 'the body must be JSON (application/json, UTF-8), uncompressed or in a Content-Encoding the server decodes (gzip, deflate, br)')
          : ProblemError.malformedBody('the body is not valid JSON');
    writeProblem(response, problem.toDetails(request.path));
  };
}
