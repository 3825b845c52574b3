import { createHmac, timingSafeEqual } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { canonicalJson } from './canonical-json';
import { generateSecret } from './secrets';
import { signWebhook } from './sign';

/** Runs one of the seeds' receivers in test/ and returns its exit code (0 = accepted). */
function python(script: string, args: string[], body: string): number {
  try {
    execFileSync('python3', [path.join(__dirname, '..', 'test', script), ...args], { input: body, stdio: ['pipe', 'ignore', 'pipe'], timeout: 10_000 });
    return 0;
  } catch (error) {
    const { status, stderr } = error as { status: number | null; stderr?: Buffer };
    if (status === null || status > 3) throw new Error(`${script} failed: ${stderr?.toString() ?? error}`);
    return status;
  }
}

// Seed 002's Node receiver ("Webhook signing and the delivery log"), verbatim but for types.
function verifyOecshSignature(rawBody: string, headers: Record<string, string | undefined>, secret: string): boolean {
  const sig = headers['x-oecsh-signature'];
  const ts = headers['x-oecsh-timestamp'];
  if (!sig || !ts) return false;
  // Replay protection
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${ts}.`).update(rawBody).digest('hex');
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(sig, 'hex'));
}

// Seed 004's Node receiver (Versioner), verbatim but for types.
function verifyVersionerSignature(secret: string, rawBody: string, header: string): boolean {
  const expected = 'sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex');
  return timingSafeEqual(Buffer.from(expected), Buffer.from(header));
}

/** What a Node receiver sees: header names lowercased. */
const lowercased = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

const now = Math.floor(Date.now() / 1000);
const body = canonicalJson({
  id: 'evt_01J0',
  type: 'deploy.failed',
  created_at: '2026-05-07T14:23:11Z',
  org_id: 'org_123',
  project_id: null,
  data: { environment: 'production', note: 'déploiement échoué ✓ 🚀', ratio: 0.00001, attempts: [1, 2] },
});
const tampered = body.replace('production', 'productioN');

describe('standard scheme (Standard Webhooks)', () => {
  it('reproduces the spec test vector', () => {
    // standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works".
    const headers = signWebhook({
      scheme: 'standard',
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(headers).toStrictEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs exactly what the standardwebhooks library signs, non-ASCII bytes included', () => {
    const secret = generateSecret();
    const raw = '{"note":"déploiement ✓ 🚀"}';
    const headers = signWebhook({ scheme: 'standard', secrets: [secret], messageId: 'msg_2', timestamp: now, body: raw });
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('msg_2', new Date(now * 1000), raw));
  });

  it('is verified by the standardwebhooks library', () => {
    const secret = generateSecret();
    const headers = signWebhook({ scheme: 'standard', secrets: [secret], messageId: 'msg_1', timestamp: now, body });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('during rotation carries one signature per secret, space-separated, and the library accepts either secret', () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const headers = signWebhook({ scheme: 'standard', secrets: [current, previous], messageId: 'msg_1', timestamp: now, body });
    const entries = headers['webhook-signature'].split(' ');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe(signWebhook({ scheme: 'standard', secrets: [current], messageId: 'msg_1', timestamp: now, body })['webhook-signature']);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(previous).verify(tampered, headers)).toThrow();
  });
});

describe('hex schemes, checked by the seeds’ own receivers', () => {
  const secret = generateSecret();

  it('hmac-sha256: seed 000 (oec.sh) accepts X-OEC-Signature and rejects a tampered body or another secret', () => {
    const headers = signWebhook({ scheme: 'hmac-sha256', secrets: [secret], messageId: 'msg_1', timestamp: now, body, headerPrefix: 'X-OEC-' });
    expect(Object.keys(headers).sort()).toEqual(['X-OEC-Signature', 'webhook-id']);
    expect(headers['X-OEC-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(python('verify_hmac_sha256.py', [secret, headers['X-OEC-Signature']], body)).toBe(0);
    expect(python('verify_hmac_sha256.py', [secret, headers['X-OEC-Signature']], tampered)).toBe(1);
    expect(python('verify_hmac_sha256.py', [generateSecret(), headers['X-OEC-Signature']], body)).toBe(1);
  });

  it('hmac-sha256: seed 004 (Versioner) accepts it, in Python and in Node', () => {
    const headers = signWebhook({ scheme: 'hmac-sha256', secrets: [secret], messageId: 'msg_1', timestamp: now, body, headerPrefix: 'X-Versioner-' });
    const header = headers['X-Versioner-Signature'];
    expect(python('verify_versioner.py', [secret, header], body)).toBe(0);
    expect(python('verify_versioner.py', [secret, header], tampered)).toBe(1);
    expect(verifyVersionerSignature(secret, body, header)).toBe(true);
    expect(verifyVersionerSignature(secret, tampered, header)).toBe(false);
  });

  it('hmac-sha256: seed 001 (Reoclo) accepts it after re-serialising the payload with sorted keys', () => {
    const headers = signWebhook({ scheme: 'hmac-sha256', secrets: [secret], messageId: 'msg_1', timestamp: now, body });
    expect(python('verify_resorted.py', [secret, headers['X-Herald-Signature']], body)).toBe(0);
    expect(python('verify_resorted.py', [secret, headers['X-Herald-Signature']], tampered)).toBe(1);
  });

  it('timestamped: seed 002 (OEC.sh API) accepts it in Python, rejects tampering and a stale timestamp', () => {
    const headers = signWebhook({ scheme: 'timestamped', secrets: [secret], messageId: 'msg_1', timestamp: now, body, headerPrefix: 'X-OECSH-' });
    expect(Object.keys(headers).sort()).toEqual(['X-OECSH-Signature', 'X-OECSH-Timestamp', 'webhook-id']);
    expect(headers['X-OECSH-Timestamp']).toBe(String(now));
    expect(headers['X-OECSH-Signature']).toMatch(/^[0-9a-f]{64}$/);
    const args = (h: Record<string, string>) => [secret, h['X-OECSH-Signature'], h['X-OECSH-Timestamp']];
    expect(python('verify_timestamped.py', args(headers), body)).toBe(0);
    expect(python('verify_timestamped.py', args(headers), tampered)).toBe(1);
    const stale = signWebhook({ scheme: 'timestamped', secrets: [secret], messageId: 'msg_1', timestamp: now - 600, body, headerPrefix: 'X-OECSH-' });
    expect(python('verify_timestamped.py', args(stale), body)).toBe(2);
  });

  it('timestamped: seed 002’s Node receiver accepts it and rejects tampering', () => {
    const headers = lowercased(signWebhook({ scheme: 'timestamped', secrets: [secret], messageId: 'msg_1', timestamp: now, body, headerPrefix: 'X-OECSH-' }));
    expect(verifyOecshSignature(body, headers, secret)).toBe(true);
    expect(verifyOecshSignature(tampered, headers, secret)).toBe(false);
    expect(verifyOecshSignature(body, headers, generateSecret())).toBe(false);
  });

  it('github: reproduces GitHub’s documented test vector', () => {
    // docs.github.com, "Validating webhook deliveries" → "Testing the webhook payload validation".
    const headers = signWebhook({ scheme: 'github', secrets: ["It's a Secret to Everybody"], messageId: 'msg_1', timestamp: now, body: 'Hello, World!' });
    expect(headers).toStrictEqual({
      'X-Hub-Signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      'webhook-id': 'msg_1',
    });
  });

  it('github: GitHub’s documented Python receiver (seed 003’s header) accepts it and rejects tampering', () => {
    const headers = signWebhook({ scheme: 'github', secrets: [secret], messageId: 'msg_1', timestamp: now, body, headerPrefix: 'X-OEC-' });
    expect(Object.keys(headers).sort()).toEqual(['X-Hub-Signature-256', 'webhook-id']);
    expect(python('verify_github.py', [secret, headers['X-Hub-Signature-256']], body)).toBe(0);
    expect(python('verify_github.py', [secret, headers['X-Hub-Signature-256']], tampered)).toBe(1);
    expect(python('verify_github.py', [secret, ''], body)).toBe(3);
  });

  describe('during rotation', () => {
    const previous = generateSecret();

    it.each([
      ['hmac-sha256', 'X-Herald-Signature', /^sha256=[0-9a-f]{64}$/],
      ['github', 'X-Hub-Signature-256', /^sha256=[0-9a-f]{64}$/],
      ['timestamped', 'X-Herald-Signature', /^[0-9a-f]{64}$/],
    ] as const)('%s keeps one entry, by the previous secret, in its header and offers the current one in <header>-Next', (scheme, name, shape) => {
      const headers = signWebhook({ scheme, secrets: [secret, previous], messageId: 'msg_1', timestamp: now, body });
      const single = (s: string) => signWebhook({ scheme, secrets: [s], messageId: 'msg_1', timestamp: now, body })[name];
      expect(headers[name]).toMatch(shape);
      expect(headers[name]).toBe(single(previous));
      expect(headers[`${name}-Next`]).toBe(single(secret));
    });

    it('signs the main header with the oldest secret still in its grace window when rotations overlap', () => {
      const oldest = generateSecret();
      const headers = signWebhook({ scheme: 'github', secrets: [secret, previous, oldest], messageId: 'msg_1', timestamp: now, body });
      expect(python('verify_github.py', [oldest, headers['X-Hub-Signature-256']], body)).toBe(0);
      expect(python('verify_github.py', [secret, headers['X-Hub-Signature-256-Next']], body)).toBe(0);
    });

    it("the seeds' own receivers, comparing the whole header, accept the previous secret in the main header and the new one in -Next", () => {
      const hmacHeaders = signWebhook({ scheme: 'hmac-sha256', secrets: [secret, previous], messageId: 'msg_1', timestamp: now, body, headerPrefix: 'X-Versioner-' });
      expect(python('verify_hmac_sha256.py', [previous, hmacHeaders['X-Versioner-Signature']], body)).toBe(0);
      expect(python('verify_versioner.py', [previous, hmacHeaders['X-Versioner-Signature']], body)).toBe(0);
      expect(python('verify_versioner.py', [secret, hmacHeaders['X-Versioner-Signature-Next']], body)).toBe(0);
      expect(python('verify_versioner.py', [secret, hmacHeaders['X-Versioner-Signature']], body)).toBe(1);
      const ts = signWebhook({ scheme: 'timestamped', secrets: [secret, previous], messageId: 'msg_1', timestamp: now, body, headerPrefix: 'X-OECSH-' });
      expect(python('verify_timestamped.py', [previous, ts['X-OECSH-Signature'], String(now)], body)).toBe(0);
      expect(python('verify_timestamped.py', [secret, ts['X-OECSH-Signature-Next'], String(now)], body)).toBe(0);
    });
  });

  it('uses the header names a webhook set instead of the prefixed defaults', () => {
    const headers = signWebhook({ scheme: 'timestamped', secrets: [secret], messageId: 'msg_1', timestamp: now, body, headerNames: { signature: 'X-Acme-Sig', timestamp: 'X-Acme-Time' } });
    expect(Object.keys(headers).sort()).toEqual(['X-Acme-Sig', 'X-Acme-Time', 'webhook-id']);
    expect(python('verify_timestamped.py', [secret, headers['X-Acme-Sig'], headers['X-Acme-Time']], body)).toBe(0);
    const github = signWebhook({ scheme: 'github', secrets: [secret], messageId: 'msg_1', timestamp: now, body, headerNames: { signature: 'X-Reoclo-Signature-256', timestamp: 'ignored' } });
    expect(Object.keys(github).sort()).toEqual(['X-Reoclo-Signature-256', 'webhook-id']);
  });
});

describe('signWebhook input', () => {
  const base = { scheme: 'standard' as const, secrets: [generateSecret()], messageId: 'msg_1', timestamp: now, body };

  it('signs once per distinct secret', () => {
    expect(signWebhook({ ...base, secrets: [base.secrets[0], base.secrets[0]] })).toEqual(signWebhook(base));
  });

  it('refuses what would produce a delivery no receiver accepts', () => {
    expect(() => signWebhook({ ...base, secrets: [] })).toThrow(/at least one secret/);
    expect(() => signWebhook({ ...base, timestamp: Date.now() })).toThrow(/unix seconds/);
    expect(() => signWebhook({ ...base, timestamp: now + 0.5 })).toThrow(/unix seconds/);
    expect(() => signWebhook({ ...base, messageId: 'msg.1' })).toThrow(/messageId/);
    expect(() => signWebhook({ ...base, messageId: '' })).toThrow(/messageId/);
    expect(() => signWebhook({ ...base, messageId: 'msg 1' })).toThrow(/messageId/);
    expect(() => signWebhook({ ...base, headerPrefix: 'X-OEC' })).toThrow(/headerPrefix/);
    expect(() => signWebhook({ ...base, secrets: ['whsec_not base64!'] })).toThrow(/base64/);
    expect(() => signWebhook({ ...base, scheme: 'github', secrets: [''] })).toThrow(/empty/);
  });
});
