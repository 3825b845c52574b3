import { UnsafeDestinationError } from '@herald/webhook-transport';
import { classifySmtpError } from './smtp-errors';
import { SmtpConfigurationError } from './smtp-settings';

/** An error shaped as nodemailer reports a server's reply. */
const replied = (code: string, response: string, command: string) =>
  Object.assign(new Error(`Message failed: ${response}`), { code, response, responseCode: Number(response.slice(0, 3)), command });

describe('classifySmtpError', () => {
  it('retries a 4xx reply and keeps it', () => {
    expect(classifySmtpError(replied('EMESSAGE', '451 4.3.0 Try again later', 'DATA'))).toEqual({
      retryable: true,
      reason: 'SMTP 451 4.3.0 Try again later (after DATA)',
      responseCode: 451,
      response: '451 4.3.0 Try again later',
    });
    // Every recipient greylisted: temporary, even though nodemailer calls it an envelope error.
    expect(classifySmtpError(replied('EENVELOPE', '450 4.2.0 Greylisted', 'RCPT TO'))).toMatchObject({ retryable: true, responseCode: 450 });
  });

  it('fails a 5xx reply for good, with the server reply as the reason', () => {
    expect(classifySmtpError(replied('EENVELOPE', '550 5.1.1 No such user', 'RCPT TO'))).toEqual({
      retryable: false,
      reason: 'SMTP 550 5.1.1 No such user (after RCPT TO)',
      responseCode: 550,
      response: '550 5.1.1 No such user',
    });
    expect(classifySmtpError(replied('EAUTH', '535 5.7.8 Authentication credentials invalid', 'AUTH PLAIN'))).toMatchObject({ retryable: false, responseCode: 535 });
    expect(classifySmtpError(replied('EMESSAGE', '554 5.7.1 Rejected as spam', 'DATA'))).toMatchObject({ retryable: false, responseCode: 554 });
  });

  it('retries connection failures and timeouts, which have no reply', () => {
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS']) {
      const failure = classifySmtpError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code }));
      expect([code, failure.retryable, failure.responseCode]).toEqual([code, true, null]);
      expect(failure.reason).toBe(`${code}: connect ECONNREFUSED 127.0.0.1:25`);
    }
    expect(classifySmtpError(new Error('something odd'))).toMatchObject({ retryable: true, reason: 'something odd' });
  });

  it('fails for good what no retry can fix: our request, our configuration, a forbidden destination', () => {
    expect(classifySmtpError(Object.assign(new Error('Missing credentials for "PLAIN"'), { code: 'EAUTH', command: 'API' }))).toMatchObject({ retryable: false });
    expect(classifySmtpError(Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' }))).toMatchObject({ retryable: false });
    expect(classifySmtpError(new SmtpConfigurationError('no SMTP server'))).toEqual({ retryable: false, reason: 'no SMTP server', responseCode: null, response: null });
    // nodemailer relabels socket errors ESOCKET; the guard's refusal is still recognised.
    const refused = Object.assign(new UnsafeDestinationError('smtp.internal resolves to 10.0.0.5'), { code: 'ESOCKET' });
    expect(classifySmtpError(refused)).toMatchObject({ retryable: false, reason: 'smtp.internal resolves to 10.0.0.5' });
  });
});
