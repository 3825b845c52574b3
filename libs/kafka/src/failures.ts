/**
 * Thrown by a handler that knows its message can never succeed (it broke a contract, it is too
 * large, it names something that cannot exist): the message is quarantined at once, without retries.
 */
export class PoisonMessage extends Error {
  constructor(
    message: string,
    /** A short, bounded reason (it labels the quarantine metric and header), e.g. `job_too_large`. */
    readonly reason = 'poison_message',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PoisonMessage';
  }
}

/**
 * How a failure is expected to behave if the message is tried again:
 * - `infrastructure`: a dependency is unreachable or slow (broker, database, network); the same message will
 *   succeed once it is back, so it is retried in place for as long as the outage lasts.
 * - `repeating`: the message itself is the cause (encoding, size, a formatter bug, a data error); trying again
 *   gives the same answer, so after a few attempts it is quarantined.
 * - `poison`: the handler said so ({@link PoisonMessage}); quarantined at once.
 * - `unknown`: neither; retried, but only up to a bound, then treated as repeating.
 */
export type FailureKind = 'infrastructure' | 'repeating' | 'poison' | 'unknown';

export interface FailureClass {
  kind: FailureKind;
  /** Bounded label for metrics and the dead-letter header: `stack_overflow`, `message_too_large`, `pg_22P05`… */
  reason: string;
}

/** Node socket and DNS errors, undici's transport errors: the other side is not there (yet). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** kafkajs error names that mean the broker could not be reached or did not answer in time. */
const KAFKA_OUTAGES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

/** Broker answers about the message itself: sending it again gets the same answer. */
const KAFKA_REJECTIONS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_REQUIRED_ACKS', 'UNSUPPORTED_COMPRESSION_TYPE']);

/**
 * PostgreSQL SQLSTATE classes. 22 data exception (bad encoding, NUL, invalid JSON text, out of range) and 23
 * integrity constraint violation are caused by the row; 42 (syntax, undefined column) and 54 (too complex) are
 * bugs or limits that the same statement hits again. 08 connection, 53 resources, 57 operator intervention
 * (shutdown, cannot connect now) and 40 (serialization failure, deadlock) pass.
 */
const PG_REPEATING_CLASSES = new Set(['22', '23', '42', '54']);
const PG_TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);

/** pg and TypeORM say "the database went away" in words, without a SQLSTATE. */
const DATABASE_GONE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|the database system is (starting up|shutting down)/i;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
  retriable?: unknown;
  cause?: unknown;
  driverError?: unknown;
  errors?: unknown;
}

/** The error and what it wraps (kafkajs `cause`, TypeORM `driverError`, AggregateError `errors`), outermost first. */
function chain(error: unknown): ErrorLike[] {
  const seen: ErrorLike[] = [];
  const visit = (e: unknown) => {
    if (typeof e !== 'object' || e === null || seen.includes(e as ErrorLike) || seen.length >= 16) return;
    const like = e as ErrorLike;
    seen.push(like);
    visit(like.cause);
    visit(like.driverError);
    if (Array.isArray(like.errors)) like.errors.forEach(visit);
  };
  visit(error);
  return seen;
}

/** The broker's refusal of the message itself, by its kafkajs error type (MESSAGE_TOO_LARGE…). */
const rejectionOf = (e: ErrorLike): string | undefined => (typeof e.type === 'string' && KAFKA_REJECTIONS.has(e.type) ? e.type : undefined);

function classifyOne(e: ErrorLike): FailureClass | null {
  if (e instanceof PoisonMessage) return { kind: 'poison', reason: e.reason };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (code && NETWORK_CODES.has(code)) return { kind: 'infrastructure', reason: code.toLowerCase() };
  const rejection = rejectionOf(e);
  if (rejection) return { kind: 'repeating', reason: rejection.toLowerCase() };
  if (KAFKA_OUTAGES.has(name)) return { kind: 'infrastructure', reason: 'kafka_unavailable' };
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const sqlClass = code.slice(0, 2);
    if (PG_REPEATING_CLASSES.has(sqlClass)) return { kind: 'repeating', reason: `pg_${code}` };
    if (PG_TRANSIENT_CLASSES.has(sqlClass)) return { kind: 'infrastructure', reason: `pg_${code}` };
  }
  if (DATABASE_GONE.test(message)) return { kind: 'infrastructure', reason: 'database_unavailable' };
  if (e instanceof RangeError) return { kind: 'repeating', reason: /call stack/i.test(message) ? 'stack_overflow' : 'range_error' };
  if (e instanceof TypeError) return { kind: 'repeating', reason: 'type_error' };
  if (e instanceof SyntaxError) return { kind: 'repeating', reason: 'syntax_error' };
  return null;
}

/** Whether the broker refused a produce request's messages themselves (MESSAGE_TOO_LARGE and the like). */
export function isBrokerRejection(error: unknown): boolean {
  return chain(error).some((e) => rejectionOf(e) !== undefined);
}

/**
 * Decides whether a handler failure is an outage (wait), the message's own fault (quarantine), or unknown.
 * The first error in the cause chain that says something decides, outermost first: a wrapper's own
 * verdict (a PoisonMessage around a TypeError) wins over what it wraps.
 */
export function classifyFailure(error: unknown): FailureClass {
  const errors = chain(error);
  for (const e of errors) {
    const found = classifyOne(e);
    if (found) return found;
  }
  // kafkajs marks what it would retry itself (after giving up, the wrapper says only "retries exceeded").
  if (errors.some((e) => typeof e.name === 'string' && e.name.startsWith('KafkaJS') && e.retriable === true)) return { kind: 'infrastructure', reason: 'kafka_unavailable' };
  return { kind: 'unknown', reason: 'unknown_error' };
}

/** Attempts of a message whose failure repeats before it is quarantined. */
export const REPEATING_ATTEMPTS = 3;
/** Attempts of a message failing in ways nobody classified before it is treated as repeating. */
export const UNKNOWN_ATTEMPTS = 6;

/** The failures of the message a partition is halted on, counted across its retries. */
export interface FailureHistory {
  /** Attempts that failed for a reason other than an outage. */
  attempts: number;
  kind: FailureKind;
}

/**
 * Retry in place or quarantine, given how the message has failed so far. Outages never quarantine (nothing is
 * lost while the broker or database is away; readiness reports it); a message's own faults quarantine after
 * {@link REPEATING_ATTEMPTS} tries, unclassified ones after {@link UNKNOWN_ATTEMPTS}.
 */
export function nextStep({ attempts, kind }: FailureHistory): 'retry' | 'quarantine' {
  if (kind === 'infrastructure') return 'retry';
  if (kind === 'poison') return 'quarantine';
  return attempts >= (kind === 'repeating' ? REPEATING_ATTEMPTS : UNKNOWN_ATTEMPTS) ? 'quarantine' : 'retry';
}
