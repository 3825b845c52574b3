import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@herald/config';
import { EventCatalog, type HeraldEvent } from '@herald/events';
import { selfSignedCertificate, startSmtpServer, type TestSmtpServer, type TestSmtpServerOptions } from '@herald/testing';
import { Mailer, type EmailChannel } from './mailer';
import { SEVERITY_COLOURS } from './render';

/** The Mailer against real SMTP servers (the nodemailer project's smtp-server) on loopback. */
const FROM = 'Herald <alerts@example.com>';
const certificate = selfSignedCertificate();
const servers: TestSmtpServer[] = [];
const mailers: Mailer[] = [];

const server = async (options: TestSmtpServerOptions = {}) => {
  const s = await startSmtpServer(options);
  servers.push(s);
  return s;
};

const mailer = (env: Record<string, string> = {}) => {
  const config = loadConfig({ HERALD_ALLOW_LOOPBACK_DESTINATIONS: 'true', HERALD_PUBLIC_URL: 'https://herald.example.com', HERALD_SMTP_TIMEOUT_MS: '5000', ...env });
  // Trust exactly the test server's certificate, as production trusts public CAs.
  const m = new Mailer(config, new EventCatalog(), { ca: certificate.cert });
  mailers.push(m);
  return m;
};

const deploymentSmtp = (s: TestSmtpServer) => ({ SMTP_URL: `smtp://${s.host}:${s.port}`, SMTP_SECURITY: 'none', SMTP_FROM: FROM });

const channel = (over: Partial<EmailChannel> = {}): EmailChannel => ({
  id: 'ec_ops',
  orgId: 'org_1',
  name: 'Ops',
  recipients: ['ops@example.com', 'lead@example.com'],
  smtpHost: null,
  smtpPort: null,
  smtpSecurity: null,
  smtpUsername: null,
  smtpPassword: null,
  smtpFrom: null,
  ...over,
});

const ownServer = (s: TestSmtpServer, over: Partial<EmailChannel> = {}) =>
  channel({ smtpHost: s.host, smtpPort: s.port, smtpSecurity: 'starttls', smtpUsername: 'herald', smtpPassword: 's3cret', smtpFrom: 'alerts@org.example', ...over });

const event: HeraldEvent = {
  id: 'evt_1',
  type: 'deploy.failed',
  org_id: 'org_1',
  project_id: 'prj_9',
  occurred_at: '2026-05-07T14:23:11Z',
  created_at: '2026-05-07T14:23:12Z',
  data: { environment: 'production', error: '<script>alert(1)</script>' },
};

afterEach(async () => {
  mailers.splice(0).forEach((m) => m.onApplicationShutdown());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('Mailer', () => {
  it('sends one multipart message to every recipient through the deployment’s server, identified by its delivery id', async () => {
    const smtp = await server();
    const m = mailer(deploymentSmtp(smtp));
    const ops = channel();

    const result = await m.send(ops, m.compose(event, 'msg_abc', ops));
    expect(result).toMatchObject({ kind: 'sent', responseCode: 250, response: '250 2.0.0 Ok: queued as test-1', accepted: ['ops@example.com', 'lead@example.com'], rejected: [] });

    const [mail] = smtp.messages;
    expect(mail.envelopeFrom).toBe('alerts@example.com');
    expect(mail.envelopeTo).toEqual(['ops@example.com', 'lead@example.com']);
    expect(mail.parsed.messageId).toBe('<msg_abc@herald.example.com>');
    expect(mail.parsed.subject).toBe('Deployment failed — production');
    expect(mail.parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.parsed.headers.get('x-herald-event')).toBe('deploy.failed');
    expect(mail.parsed.html).toContain(`bgcolor="${SEVERITY_COLOURS.failure}"`);
    expect(mail.parsed.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.parsed.html).not.toContain('<script>');
    expect(mail.parsed.html).toContain('https://herald.example.com/settings/notifications?channel=ec_ops');
    expect(mail.parsed.text).toContain('Environment: production');

    // The second message reuses the pooled connection.
    await m.send(ops, m.compose({ ...event, id: 'evt_2' }, 'msg_def', ops));
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.connections()).toBe(1);
  });

  it('authenticates over STARTTLS on the channel’s own server, and never without TLS when STARTTLS is required', async () => {
    const secured = await server({ tls: certificate, auth: { user: 'herald', pass: 's3cret' } });
    const m = mailer();

    expect(await m.send(ownServer(secured), m.compose(event, 'msg_tls', ownServer(secured)))).toMatchObject({ kind: 'sent', responseCode: 250 });
    expect(secured.messages[0]).toMatchObject({ secure: true, user: 'herald', envelopeFrom: 'alerts@org.example' });

    const wrongPassword = ownServer(secured, { smtpPassword: 'guess' });
    expect(await m.send(wrongPassword, m.compose(event, 'msg_pw', wrongPassword))).toMatchObject({
      kind: 'failed',
      retryable: false,
      responseCode: 535,
      response: '535 5.7.8 Authentication credentials invalid',
    });

    // A server that refuses STARTTLS gets no password in clear text and no message: a configuration
    // problem that retrying does not fix.
    const plain = await server({ auth: { user: 'herald', pass: 's3cret' } });
    const downgraded = ownServer(plain);
    expect(await m.send(downgraded, m.compose(event, 'msg_plain', downgraded))).toMatchObject({
      kind: 'failed',
      retryable: false,
      reason: 'SMTP 500 Error: command not recognized (after STARTTLS)',
    });
    expect(plain.offered()).toBe(0);
  });

  it('speaks TLS from the first byte with implicit TLS', async () => {
    const smtps = await server({ tls: certificate, implicitTls: true, auth: { user: 'herald', pass: 's3cret' } });
    const m = mailer();
    const own = ownServer(smtps, { smtpSecurity: 'tls' });
    expect(await m.send(own, m.compose(event, 'msg_smtps', own))).toMatchObject({ kind: 'sent' });
    expect(smtps.messages[0]).toMatchObject({ secure: true, user: 'herald' });
  });

  it('delivers to the recipients the server accepts and reports the one it rejects', async () => {
    const smtp = await server({ onRecipient: (address) => (address === 'gone@example.com' ? { code: 550, message: '5.1.1 <gone@example.com>: Recipient address rejected' } : null) });
    const m = mailer(deploymentSmtp(smtp));
    const team = channel({ recipients: ['ops@example.com', 'gone@example.com', 'lead@example.com'] });

    const result = await m.send(team, m.compose(event, 'msg_partial', team));
    expect(result).toMatchObject({
      kind: 'sent',
      accepted: ['ops@example.com', 'lead@example.com'],
      rejected: [{ address: 'gone@example.com', response: '550 5.1.1 <gone@example.com>: Recipient address rejected' }],
    });
    expect(smtp.messages.map((mail) => mail.envelopeTo)).toEqual([['ops@example.com', 'lead@example.com']]);
  });

  it('reports what a real server answers as retryable or final', async () => {
    const busy = await server({ onMessage: () => ({ code: 451, message: '4.3.0 Try again later' }) });
    const unknown = await server({ onRecipient: (address) => ({ code: 550, message: `5.1.1 <${address}>: no such user` }) });
    const m = mailer();
    const via = (s: TestSmtpServer) => ownServer(s, { smtpSecurity: 'none', smtpUsername: null, smtpPassword: null });

    expect(await m.send(via(busy), m.compose(event, 'msg_busy', via(busy)))).toMatchObject({
      kind: 'failed',
      retryable: true,
      responseCode: 451,
      reason: 'SMTP 451 4.3.0 Try again later (after DATA)',
    });
    const rejected = await m.send(via(unknown), m.compose(event, 'msg_unknown', via(unknown)));
    expect(rejected).toMatchObject({ kind: 'failed', retryable: false, responseCode: 550 });
    expect(rejected.kind === 'failed' && rejected.reason).toMatch(/^SMTP 550 5\.1\.1 <lead@example\.com>: no such user \(after RCPT TO\)$/);

    const closedPort = await freePort();
    const nobody = channel({ smtpHost: '127.0.0.1', smtpPort: closedPort, smtpSecurity: 'none', smtpFrom: 'alerts@org.example' });
    const refused = await m.send(nobody, m.compose(event, 'msg_nobody', nobody));
    expect(refused).toMatchObject({ kind: 'failed', retryable: true, responseCode: null });
    expect(refused.kind === 'failed' && refused.reason).toContain('ECONNREFUSED');
  });

  it('never connects to an org-chosen server on loopback unless loopback is allowed; the deployment’s own server is trusted', async () => {
    const smtp = await server();
    const m = mailer({ ...deploymentSmtp(smtp), HERALD_ALLOW_LOOPBACK_DESTINATIONS: 'false' });
    for (const host of ['127.0.0.1', 'localhost']) {
      const sneaky = channel({ smtpHost: host, smtpPort: smtp.port, smtpSecurity: 'none', smtpFrom: 'alerts@org.example' });
      const result = await m.send(sneaky, m.compose(event, `msg_${host}`, sneaky));
      expect(result).toMatchObject({ kind: 'failed', retryable: false, responseCode: null });
      expect(result.kind === 'failed' && result.reason).toMatch(/not publicly routable/);
    }
    expect(smtp.connections()).toBe(0);

    expect(await m.send(channel(), m.compose(event, 'msg_ok', channel()))).toMatchObject({ kind: 'sent' });
  });

  it('sends a test email to every recipient and reports the server’s answer', async () => {
    const secured = await server({ tls: certificate, auth: { user: 'herald', pass: 's3cret' } });
    const m = mailer();

    expect(await m.sendTestEmail(ownServer(secured))).toMatchObject({
      ok: true,
      server: `127.0.0.1:${secured.port}`,
      responseCode: 250,
      response: '250 2.0.0 Ok: queued as test-1',
      accepted: ['ops@example.com', 'lead@example.com'],
      rejected: [],
    });
    const [mail] = secured.messages;
    expect(mail.parsed.subject).toBe('Test notification');
    expect(mail.envelopeTo).toEqual(['ops@example.com', 'lead@example.com']);
    expect(mail.parsed.html).toContain(`bgcolor="${SEVERITY_COLOURS.info}"`);

    expect(await m.sendTestEmail(ownServer(secured, { smtpPassword: 'guess' }))).toMatchObject({
      ok: false,
      responseCode: 535,
      response: '535 5.7.8 Authentication credentials invalid',
    });
    expect(await m.sendTestEmail(channel())).toMatchObject({ ok: false, server: null, responseCode: null, response: expect.stringMatching(/^no SMTP server/) });
  });
});

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
