import { SIGNATURE_SCHEMES, type SignatureScheme } from './schemes';
import { generateSecret } from './secrets';
import { signWebhook } from './sign';
import { verifyWebhook, WebhookVerificationError, type VerificationFailure } from './verify';

const now = 1_780_000_000;
const secret = generateSecret();
const body = '{"data":{"environment":"production","note":"\\u00e9"},"id":"evt_1","type":"deploy.failed"}';
const tampered = body.replace('production', 'staging');
const sign = (scheme: SignatureScheme, options: { secrets?: string[]; timestamp?: number; headerPrefix?: string } = {}) =>
  signWebhook({ scheme, secrets: options.secrets ?? [secret], messageId: 'msg_1', timestamp: options.timestamp ?? now, body, headerPrefix: options.headerPrefix });

/** The reason verifyWebhook gave, or 'accepted'. */
function outcome(run: () => true): VerificationFailure | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}

describe('verifyWebhook', () => {
  it.each(SIGNATURE_SCHEMES)('%s: accepts a fresh delivery and rejects a tampered body or another secret', (scheme) => {
    const headers = sign(scheme);
    expect(verifyWebhook({ scheme, secret, headers, body, now })).toBe(true);
    expect(outcome(() => verifyWebhook({ scheme, secret, headers, body: tampered, now }))).toBe('no-matching-signature');
    expect(outcome(() => verifyWebhook({ scheme, secret: generateSecret(), headers, body, now }))).toBe('no-matching-signature');
  });

  it.each(SIGNATURE_SCHEMES)('%s: names each missing header', (scheme) => {
    const headers = sign(scheme);
    for (const name of Object.keys(headers)) {
      const { [name]: _dropped, ...rest } = headers;
      const required = !(name === 'webhook-id' && scheme !== 'standard');
      expect(outcome(() => verifyWebhook({ scheme, secret, headers: rest, body, now }))).toBe(required ? 'missing-header' : 'accepted');
    }
    expect(() => verifyWebhook({ scheme, secret, headers: {}, body, now })).toThrow(/missing header/);
    expect(outcome(() => verifyWebhook({ scheme, secret, headers: { ...headers, [Object.keys(headers).find((k) => /signature/i.test(k))!]: '' }, body, now }))).toBe('missing-header');
  });

  it.each(['standard', 'timestamped'] as const)('%s: rejects timestamps more than the tolerance old or ahead, accepts within it', (scheme) => {
    const at = (timestamp: number, toleranceSeconds?: number) => outcome(() => verifyWebhook({ scheme, secret, headers: sign(scheme, { timestamp }), body, now, toleranceSeconds }));
    expect(at(now - 300)).toBe('accepted');
    expect(at(now + 300)).toBe('accepted');
    expect(at(now - 301)).toBe('timestamp-too-old');
    expect(at(now + 301)).toBe('timestamp-in-future');
    expect(at(now - 3600, 7200)).toBe('accepted');
    expect(at(now - 1, 0)).toBe('timestamp-too-old');
  });

  it.each(['standard', 'timestamped'] as const)('%s: rejects a timestamp header that was changed or is not unix seconds', (scheme) => {
    const headers = sign(scheme);
    const name = Object.keys(headers).find((k) => /timestamp/i.test(k))!;
    expect(outcome(() => verifyWebhook({ scheme, secret, headers: { ...headers, [name]: String(now + 1) }, body, now }))).toBe('no-matching-signature');
    for (const bad of ['1.78e9', 'soon', '-5', `${now}ms`]) {
      expect(outcome(() => verifyWebhook({ scheme, secret, headers: { ...headers, [name]: bad }, body, now }))).toBe('malformed-timestamp');
    }
  });

  it('standard: the signed id cannot be swapped', () => {
    const headers = sign('standard');
    expect(outcome(() => verifyWebhook({ scheme: 'standard', secret, headers: { ...headers, 'webhook-id': 'msg_2' }, body, now }))).toBe('no-matching-signature');
  });

  it('standard: verifies the spec test vector', () => {
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const vector = { scheme: 'standard' as const, headers, body: '{"test": 2432232314}', now: 1614265330 };
    expect(verifyWebhook({ ...vector, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toBe(true);
    expect(verifyWebhook({ ...vector, secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toBe(true);
    expect(outcome(() => verifyWebhook({ ...vector, body: '{"test": 2432232315}', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }))).toBe('no-matching-signature');
  });

  it('hmac-sha256 and github sign no timestamp, so an old delivery still verifies', () => {
    for (const scheme of ['hmac-sha256', 'github'] as const) {
      expect(verifyWebhook({ scheme, secret, headers: sign(scheme, { timestamp: now - 86_400 }), body, now })).toBe(true);
    }
  });

  it.each(SIGNATURE_SCHEMES)('%s: during rotation accepts either secret', (scheme) => {
    const previous = generateSecret();
    const headers = sign(scheme, { secrets: [secret, previous] });
    expect(verifyWebhook({ scheme, secret, headers, body, now })).toBe(true);
    expect(verifyWebhook({ scheme, secret: previous, headers, body, now })).toBe(true);
    expect(outcome(() => verifyWebhook({ scheme, secret: generateSecret(), headers, body, now }))).toBe('no-matching-signature');
  });

  it("reads the webhook's own header names, the -Next header included", () => {
    const previous = generateSecret();
    const headerNames = { signature: 'X-OECSH-Signature', timestamp: 'X-OECSH-Timestamp' };
    const headers = signWebhook({ scheme: 'timestamped', secrets: [secret, previous], messageId: 'msg_1', timestamp: now, body, headerNames });
    expect(Object.keys(headers).sort()).toEqual(['X-OECSH-Signature', 'X-OECSH-Signature-Next', 'X-OECSH-Timestamp', 'webhook-id']);
    expect(verifyWebhook({ scheme: 'timestamped', secret, headers, body, now, headerNames })).toBe(true);
    expect(verifyWebhook({ scheme: 'timestamped', secret: previous, headers, body, now, headerNames })).toBe(true);
    expect(outcome(() => verifyWebhook({ scheme: 'timestamped', secret, headers, body, now }))).toBe('missing-header');
  });

  it('reads headers in any case, from a fetch Headers object, and as Node joins repeated ones', () => {
    const headers = sign('timestamped', { headerPrefix: 'X-OEC-' });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyWebhook({ scheme: 'timestamped', secret, headers: lower, body, now, headerPrefix: 'X-OEC-' })).toBe(true);
    expect(verifyWebhook({ scheme: 'timestamped', secret, headers: new Headers(headers), body, now, headerPrefix: 'X-OEC-' })).toBe(true);
    expect(outcome(() => verifyWebhook({ scheme: 'timestamped', secret, headers, body, now }))).toBe('missing-header');

    const standard = sign('standard');
    const other = sign('standard', { secrets: [generateSecret()] })['webhook-signature'];
    const joined = { ...standard, 'webhook-signature': `${other}, ${standard['webhook-signature']}` };
    expect(verifyWebhook({ scheme: 'standard', secret, headers: joined, body, now })).toBe(true);
    const repeated = { ...standard, 'webhook-signature': [other, standard['webhook-signature']] };
    expect(verifyWebhook({ scheme: 'standard', secret, headers: repeated, body, now })).toBe(true);
  });

  it('verifies the raw bytes as received', () => {
    const headers = sign('hmac-sha256');
    expect(verifyWebhook({ scheme: 'hmac-sha256', secret, headers, body: Buffer.from(body, 'utf8'), now })).toBe(true);
    expect(outcome(() => verifyWebhook({ scheme: 'hmac-sha256', secret, headers, body: Buffer.from(`${body}\n`, 'utf8'), now }))).toBe('no-matching-signature');
  });

  it('rejects a signature truncated or in another case', () => {
    const headers = sign('github');
    const value = headers['X-Hub-Signature-256'];
    for (const forged of [value.slice(0, -2), value.toUpperCase(), 'sha256=', value.replace('sha256=', '')]) {
      expect(outcome(() => verifyWebhook({ scheme: 'github', secret, headers: { ...headers, 'X-Hub-Signature-256': forged }, body, now }))).toBe('no-matching-signature');
    }
  });
});
