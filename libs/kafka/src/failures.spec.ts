import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from 'kafkajs';
import { classifyFailure, nextStep, PoisonMessage, REPEATING_ATTEMPTS, UNKNOWN_ATTEMPTS } from './failures';

/** A pg DatabaseError as the driver builds it: an Error with a SQLSTATE `code`. */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

/** TypeORM's QueryFailedError keeps the driver's error as `driverError`. */
function queryFailed(driverError: Error): Error {
  return Object.assign(new Error(driverError.message), { name: 'QueryFailedError', driverError });
}

/** What kafkajs' retrier rejects with when it bails on an error. */
function nonRetriable(error: Error): Error {
  return Object.assign(new KafkaJSNonRetriableError(error), { cause: error });
}

/** A broker error answer, as kafkajs' protocol layer builds it from the error code table. */
function protocolError(type: string, code: number, retriable: boolean): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable }));
}

function stackOverflow(): RangeError {
  const deep = (n: number): number => deep(n + 1) + 1;
  try {
    deep(0);
  } catch (error) {
    return error as RangeError;
  }
  throw new Error('no overflow');
}

describe('classifyFailure', () => {
  it.each([
    ['broker connection refused', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), 'kafka_unavailable'],
    ['broker request timeout', new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out'), 'kafka_unavailable'],
    ['kafkajs giving up on a retriable error', new KafkaJSNumberOfRetriesExceeded(protocolError('LEADER_NOT_AVAILABLE', 5, true), { retryCount: 5, retryTime: 1000 }), 'kafka_unavailable'],
    ['socket reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'econnreset'],
    ['undici connect timeout', Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), 'und_err_connect_timeout'],
    ['both addresses refused', new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], ''), 'econnrefused'],
    ['database shutting down', queryFailed(pgError('57P01', 'terminating connection due to administrator command')), 'pg_57P01'],
    ['database connection lost', new Error('Connection terminated unexpectedly'), 'database_unavailable'],
    ['serialization failure', pgError('40001', 'could not serialize access'), 'pg_40001'],
  ])('%s is an outage', (_, error, reason) => {
    expect(classifyFailure(error)).toEqual({ kind: 'infrastructure', reason });
  });

  it.each([
    ['a NUL in a row', queryFailed(pgError('22P05', 'unsupported Unicode escape sequence')), 'pg_22P05'],
    ['invalid UTF-8', pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), 'pg_22021'],
    ['invalid JSON text', pgError('22P02', 'invalid input syntax for type json'), 'pg_22P02'],
    ['a constraint', pgError('23502', 'null value in column "org_id" violates not-null constraint'), 'pg_23502'],
    ['a job over the broker limit', protocolError('MESSAGE_TOO_LARGE', 10, false), 'message_too_large'],
    ['a batch over the broker limit, wrapped', nonRetriable(protocolError('RECORD_LIST_TOO_LARGE', 18, false)), 'record_list_too_large'],
    ['a formatter bug', new TypeError('word.charAt is not a function'), 'type_error'],
    ['a stack overflow', stackOverflow(), 'stack_overflow'],
    ['unparseable text', new SyntaxError('Unexpected token'), 'syntax_error'],
  ])('%s repeats', (_, error, reason) => {
    expect(classifyFailure(error)).toEqual({ kind: 'repeating', reason });
  });

  it('takes a PoisonMessage at its word, even around an outage', () => {
    expect(classifyFailure(new PoisonMessage('job is 2 MB', 'job_too_large', { cause: new KafkaJSConnectionError('gone') }))).toEqual({ kind: 'poison', reason: 'job_too_large' });
  });

  it('finds the cause inside a plain wrapper', () => {
    expect(classifyFailure(new Error('routing failed', { cause: new TypeError('x is not a function') })).kind).toBe('repeating');
  });

  it('does not know plain errors, strings or nothing', () => {
    for (const error of [new Error('something odd'), 'a string', undefined, { some: 'object' }]) expect(classifyFailure(error)).toEqual({ kind: 'unknown', reason: 'unknown_error' });
  });

  it('survives a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(classifyFailure(a).kind).toBe('unknown');
  });
});

describe('nextStep', () => {
  it('retries outages however often they happen', () => {
    expect(nextStep({ kind: 'infrastructure', attempts: 0 })).toBe('retry');
    expect(nextStep({ kind: 'infrastructure', attempts: 1_000 })).toBe('retry');
  });

  it('quarantines a poison message at once', () => {
    expect(nextStep({ kind: 'poison', attempts: 1 })).toBe('quarantine');
  });

  it('quarantines repeating failures after a few attempts, unknown ones after more', () => {
    expect(nextStep({ kind: 'repeating', attempts: REPEATING_ATTEMPTS - 1 })).toBe('retry');
    expect(nextStep({ kind: 'repeating', attempts: REPEATING_ATTEMPTS })).toBe('quarantine');
    expect(nextStep({ kind: 'unknown', attempts: REPEATING_ATTEMPTS })).toBe('retry');
    expect(nextStep({ kind: 'unknown', attempts: UNKNOWN_ATTEMPTS })).toBe('quarantine');
  });
});
