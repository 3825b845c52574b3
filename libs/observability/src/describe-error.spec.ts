import { describeError } from './describe-error';

describe('describeError', () => {
  it('keeps message, name, code and stack of errors', () => {
    const error = Object.assign(new Error('boom'), { code: 'ECONNRESET' });
    expect(describeError(error)).toEqual({ name: 'Error', message: 'boom', code: 'ECONNRESET', stack: error.stack });
  });

  it('writes objects as JSON, not [object Object]', () => {
    expect(describeError({ reason: 'x' })).toEqual({ message: '{"reason":"x"}' });
    expect(describeError('plain')).toEqual({ message: 'plain' });
  });
});
