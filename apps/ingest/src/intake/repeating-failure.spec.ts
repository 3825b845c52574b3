import { QueryFailedError } from 'typeorm';
import { asRepeatingFailure } from './repeating-failure';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('asRepeatingFailure', () => {
  it('rejects what PostgreSQL will refuse on every attempt', () => {
    for (const [code, message] of [
      ['22P05', 'unsupported Unicode escape sequence'],
      ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
      ['22P02', 'invalid input syntax for type json'],
      ['54001', 'stack depth limit exceeded'],
    ]) {
      const rejection = asRepeatingFailure(new QueryFailedError('INSERT …', [], pgError(code, message)));
      expect(rejection).toMatchObject({ code: 'unprocessable', field: '' });
      expect(rejection?.message).toContain(`SQLSTATE ${code}: ${message}`);
    }
    expect(asRepeatingFailure(pgError('22021', 'raw driver error'))?.category).toBe('unprocessable');
  });

  it('rejects a stack overflow', () => {
    let overflow: unknown;
    const recurse = (n: number): number => recurse(n + 1) + 1;
    try {
      recurse(0);
    } catch (error) {
      overflow = error;
    }
    expect(asRepeatingFailure(overflow)?.message).toMatch(/overflowed the stack \(Maximum call stack size exceeded\)/);
  });

  it('leaves infrastructure failures to be retried in place', () => {
    expect(asRepeatingFailure(pgError('08006', 'connection failure'))).toBeNull();
    expect(asRepeatingFailure(pgError('57P01', 'terminating connection due to administrator command'))).toBeNull();
    expect(asRepeatingFailure(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBeNull();
    expect(asRepeatingFailure(new Error('KafkaJSNumberOfRetriesExceeded'))).toBeNull();
    expect(asRepeatingFailure(new RangeError('Invalid array length'))).toBeNull();
    expect(asRepeatingFailure('a string')).toBeNull();
  });
});
