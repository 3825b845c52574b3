/** One field that failed validation: a dotted path into the body or the query parameter's name. */
export interface FieldError {
  field: string;
  message: string;
  /** For a content filter, the operator at fault when one is. */
  operator?: string;
}

/** An RFC 9457 problem details object as Herald answers it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** The (first) field at fault, when one is. */
  field?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const type = (slug: string) => `urn:herald:problem:${slug}`;

/**
 * A client mistake (or a refusal) with the status and problem details to answer it with.
 * Services throw these; the problem filter writes them as `application/problem+json`.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problemType: string,
    readonly title: string,
    detail?: string,
    readonly extensions: Omit<Partial<ProblemDetails>, 'type' | 'title' | 'status' | 'detail'> = {},
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }

  toDetails(instance?: string): ProblemDetails {
    return { type: this.problemType, title: this.title, status: this.status, detail: this.message, ...(instance ? { instance } : {}), ...this.extensions };
  }

  /** Body (422) or query/path (400) values that do not fit the schema. */
  static invalid(errors: FieldError[], status: 400 | 422 = 422): ProblemError {
    const [first] = errors;
    const detail = errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
    return new ProblemError(status, type('validation'), status === 400 ? 'Invalid request' : 'Invalid request body', detail, { field: first?.field, errors });
  }

  static invalidField(field: string, message: string, status: 400 | 422 = 422): ProblemError {
    return ProblemError.invalid([{ field, message }], status);
  }

  static bodyTooLarge(detail: string): ProblemError {
    return new ProblemError(413, type('body-too-large'), 'Body too large', detail);
  }

  static malformedBody(detail: string): ProblemError {
    return new ProblemError(400, type('malformed-body'), 'Malformed request body', detail);
  }

  /** Also the answer for another org's resource: whether it exists is not the caller's business. */
  static notFound(resource: string, id: string): ProblemError {
    return new ProblemError(404, type('not-found'), 'Not found', `no ${resource} '${id}'`);
  }

  static unauthorized(detail: string): ProblemError {
    return new ProblemError(401, type('unauthorized'), 'Unauthorized', detail);
  }

  static forbidden(permission: string): ProblemError {
    return new ProblemError(403, type('forbidden'), 'Forbidden', `this API key lacks the '${permission}' permission`, { permission });
  }

  static limitReached(detail: string, limit: number, field?: string): ProblemError {
    return new ProblemError(422, type('limit-exceeded'), 'Limit exceeded', detail, { limit, ...(field ? { field } : {}) });
  }

  static rateLimited(retryAfterSeconds: number): ProblemError {
    return new ProblemError(429, type('rate-limited'), 'Too many requests', `rate limit exceeded; retry after ${retryAfterSeconds} s`);
  }

  /** The request cannot be done while something else is going on (a replay already running for the destination). */
  static conflict(detail: string, extensions: Omit<Partial<ProblemDetails>, 'type' | 'title' | 'status' | 'detail'> = {}): ProblemError {
    return new ProblemError(409, type('conflict'), 'Conflict', detail, extensions);
  }

  static idempotencyMismatch(): ProblemError {
    return new ProblemError(422, type('idempotency-key-reused'), 'Idempotency-Key reused', 'this Idempotency-Key was used for a different request (method, path or body) within the last 24 hours', {
      field: 'Idempotency-Key',
    });
  }

  static idempotencyInProgress(): ProblemError {
    return new ProblemError(409, type('idempotency-key-in-use'), 'Request in progress', 'a request with this Idempotency-Key is still being processed; retry later', { field: 'Idempotency-Key' });
  }
}
