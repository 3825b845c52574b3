import { InvalidEventError } from '@herald/events';

/**
 * SQLSTATE classes PostgreSQL answers for a value it will never take, however often it is asked:
 * 22 data exception (NUL 22P05/22021, bad JSON text 22P02, out of range 22003/22008), 54 program
 * limit exceeded (jsonb nested too deep 54001).
 */
const REPEATING_SQLSTATE_CLASSES = ['22', '54'];

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  const state = typeof code === 'string' ? code : driverError?.code;
  return typeof state === 'string' && /^[0-9A-Z]{5}$/.test(state) ? state : undefined;
}

/**
 * A failure that the intake limits should have prevented but that would repeat on every retry all
 * the same, as a rejection (DLQ on Kafka, 422 on REST) rather than a retry that holds the
 * partition: the database refusing the event's values, or a stack overflow. Anything else
 * (database or broker unreachable, timeouts) is not classified and is retried in place.
 */
export function asRepeatingFailure(error: unknown): InvalidEventError | null {
  const state = sqlState(error);
  if (state && REPEATING_SQLSTATE_CLASSES.includes(state.slice(0, 2))) {
    return new InvalidEventError('', `the database cannot store this event (SQLSTATE ${state}: ${(error as Error).message})`, 'unprocessable');
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) return new InvalidEventError('', `processing this event overflowed the stack (${error.message})`, 'unprocessable');
  return null;
}
