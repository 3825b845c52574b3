import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { canonicalJson } from './canonical-json';
import { graceExpiry, signingSecrets } from './rotation';
import { generateSecret, isValidSecret, signWebhook, verifyWebhook, WebhookVerificationError } from './schemes';

const python = (script: string, args: string[], body: string): number => {
  try {
    execFileSync('python3', [path.join(__dirname, '..', 'test', script), ...args], { input: body, stdio: ['pipe', 'ignore', 'ignore'] });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
};

const now = Math.floor(Date.now() / 1000);
const body = canonicalJson({ type: 'deploy.failed', id: 'evt_1', data: { environment: 'production', note: 'déploiement échoué ✓' } });

describe('standard scheme (Standard Webhooks)', () => {
  it('matches the spec test vector', () => {
    const headers = signWebhook({
      scheme: 'standard',
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('is verified by the standardwebhooks library, with either secret during rotation', () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const headers = signWebhook({ scheme: 'standard', secrets: [current, previous], messageId: 'msg_1', timestamp: now, body });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace('production', 'staging'), headers)).toThrow();
  });
});

describe('hex schemes against the seeds’ own receivers', () => {
  const secret = generateSecret();

  it('hmac-sha256: seed 000 verifies it and rejects a tampered body', () => {
    const headers = signWebhook({ scheme: 'hmac-sha256', secrets: [secret], messageId: 'msg_1', timestamp: now, body, headerPrefix: 'X-OEC-' });
    expect(headers['X-OEC-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(python('verify_hmac_sha256.py', [secret, headers['X-OEC-Signature']], body)).toBe(0);
    expect(python('verify_hmac_sha256.py', [secret, headers['X-OEC-Signature']], `${body} `)).toBe(1);
    expect(python('verify_hmac_sha256.py', ['whsec_other', headers['X-OEC-Signature']], body)).toBe(1);
  });

  it('hmac-sha256: seed 001 verifies it after re-serialising the payload, non-ASCII included', () => {
    const headers = signWebhook({ scheme: 'hmac-sha256', secrets: [secret], messageId: 'msg_1', timestamp: now, body });
    expect(python('verify_resorted.py', [secret, headers['X-Herald-Signature']], body)).toBe(0);
  });

  it('timestamped: seed 002 verifies it, rejects tampering and stale timestamps', () => {
    const headers = signWebhook({ scheme: 'timestamped', secrets: [secret], messageId: 'msg_1', timestamp: now, body, headerPrefix: 'X-OECSH-' });
    expect(headers['X-OECSH-Signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(python('verify_timestamped.py', [secret, headers['X-OECSH-Signature'], headers['X-OECSH-Timestamp']], body)).toBe(0);
    expect(python('verify_timestamped.py', [secret, headers['X-OECSH-Signature'], headers['X-OECSH-Timestamp']], body.replace('evt_1', 'evt_2'))).toBe(1);
    const stale = signWebhook({ scheme: 'timestamped', secrets: [secret], messageId: 'msg_1', timestamp: now - 600, body, headerPrefix: 'X-OECSH-' });
    expect(python('verify_timestamped.py', [secret, stale['X-OECSH-Signature'], stale['X-OECSH-Timestamp']], body)).toBe(2);
  });

  it('github: X-Hub-Signature-256 over the raw body', () => {
    const headers = signWebhook({ scheme: 'github', secrets: [secret], messageId: 'msg_1', timestamp: now, body });
    expect(python('verify_hmac_sha256.py', [secret, headers['X-Hub-Signature-256']], body)).toBe(0);
  });

  it('lists every signature during rotation', () => {
    const headers = signWebhook({ scheme: 'github', secrets: [secret, 'whsec_old'], messageId: 'msg_1', timestamp: now, body });
    const [first, second] = headers['X-Hub-Signature-256'].split(',');
    expect(python('verify_hmac_sha256.py', [secret, first], body)).toBe(0);
    expect(python('verify_hmac_sha256.py', ['whsec_old', second], body)).toBe(0);
  });
});

describe('verifyWebhook', () => {
  const secret = generateSecret();
  for (const scheme of ['standard', 'hmac-sha256', 'timestamped', 'github'] as const) {
    it(`${scheme}: accepts a fresh delivery, rejects tampering and the wrong secret`, () => {
      const headers = signWebhook({ scheme, secrets: [secret], messageId: 'msg_1', timestamp: now, body });
      expect(verifyWebhook({ scheme, secret, headers, body })).toBe(true);
      expect(() => verifyWebhook({ scheme, secret, headers, body: body.replace('1', '2') })).toThrow(WebhookVerificationError);
      expect(() => verifyWebhook({ scheme, secret: generateSecret(), headers, body })).toThrow('no signature matches');
      expect(() => verifyWebhook({ scheme, secret, headers: {}, body })).toThrow(/missing header/);
    });
  }

  it('rejects timestamps outside the tolerance, past or future', () => {
    for (const timestamp of [now - 301, now + 301]) {
      const headers = signWebhook({ scheme: 'timestamped', secrets: [secret], messageId: 'msg_1', timestamp, body });
      expect(() => verifyWebhook({ scheme: 'timestamped', secret, headers, body, now })).toThrow(/tolerance/);
    }
  });
});

describe('secrets', () => {
  it('are whsec_ and 32 random bytes', () => {
    const secret = generateSecret();
    expect(isValidSecret(secret)).toBe(true);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
    expect(isValidSecret('whsec_c2hvcnQ=')).toBe(false);
    expect(isValidSecret('sk_live_123')).toBe(false);
  });

  it('keep signing during the grace window only, newest first', () => {
    const t = new Date('2026-01-02T00:00:00Z');
    const stored = [
      { secret: 'old', createdAt: new Date('2026-01-01T00:00:00Z'), expiresAt: graceExpiry(new Date('2026-01-01T12:00:00Z')) },
      { secret: 'new', createdAt: new Date('2026-01-01T12:00:00Z'), expiresAt: null },
      { secret: 'ancient', createdAt: new Date('2025-01-01T00:00:00Z'), expiresAt: new Date('2025-06-01T00:00:00Z') },
    ];
    expect(signingSecrets(stored, t)).toEqual(['new', 'old']);
    expect(signingSecrets(stored, new Date('2026-01-02T12:00:01Z'))).toEqual(['new']);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, writes compact JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('is stable whatever the insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('escapes non-ASCII like Python json.dumps and stays valid JSON', () => {
    const text = canonicalJson({ note: 'é ✓ 😀' });
    expect(text).toBe('{"note":"\\u00e9 \\u2713 \\ud83d\\ude00"}');
    expect(JSON.parse(text)).toEqual({ note: 'é ✓ 😀' });
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/\$\.n/);
    expect(() => canonicalJson({ big: BigInt(1) })).toThrow(/bigint/);
    expect(canonicalJson({ skipped: undefined, kept: 1 })).toBe('{"kept":1}');
  });
});
