import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deliveryId } from '@herald/deliveries';
import { SEVERITY_COLOURS } from '@herald/email';
import { Headers, Topics } from '@herald/kafka';
import { DeliveryRepository, EmailChannelRepository, type NewEmailChannel } from '@herald/persistence';
import { eventually, readTopic, selfSignedCertificate, startSmtpServer, type TestSmtpServer, type TestSmtpServerOptions } from '@herald/testing';
import { suitePorts } from './support/stack';
import { endToEnd } from './support/suite';

/**
 * Email end to end through the four services as processes: an event produced to Kafka is
 * routed to email channels, and email-sender delivers it to real SMTP servers on loopback
 * (the deployment's server, and channels' own servers with AUTH and STARTTLS), retrying
 * temporary failures and failing permanent ones with the server's reply in the log.
 */
const PORT_BASE = suitePorts(4300);
const PUBLIC_URL = 'https://herald.example.com';
const AUTH = { user: 'herald', pass: 's3cret-smtp-password' };

describe('email channels end to end', () => {
  const certificate = selfSignedCertificate();
  const certDir = mkdtempSync(path.join(os.tmpdir(), 'herald-email-e2e-'));
  let deploymentSmtp: TestSmtpServer;
  const suite = endToEnd({
    portBase: PORT_BASE,
    poolSize: 2,
    env: async () => {
      deploymentSmtp = await smtpServer();
      // The services trust the test certificate the way Node trusts any extra CA: no insecure TLS setting exists.
      const caFile = path.join(certDir, 'ca.pem');
      writeFileSync(caFile, certificate.cert);
      return {
        SMTP_URL: `smtp://${deploymentSmtp.host}:${deploymentSmtp.port}`,
        SMTP_SECURITY: 'none',
        SMTP_FROM: 'Herald <alerts@herald.example.com>',
        HERALD_EMAIL_RETRY_SCHEDULE: '1s,1s,1s',
        HERALD_PUBLIC_URL: PUBLIC_URL,
        NODE_EXTRA_CA_CERTS: caFile,
      };
    },
  });
  const { kafka, dataSource, org, publish } = suite;
  suite.cleanup(() => rmSync(certDir, { recursive: true, force: true }));

  const smtpServer = async (options: TestSmtpServerOptions = {}) => {
    const server = await startSmtpServer(options);
    suite.cleanup(() => server.close());
    return server;
  };
  const channels = () => new EmailChannelRepository(dataSource);
  const deliveries = () => new DeliveryRepository(dataSource);
  /** A channel with its own plaintext SMTP server on loopback. */
  const ownSmtp = (server: TestSmtpServer): Partial<NewEmailChannel> => ({ smtpHost: server.host, smtpPort: server.port, smtpSecurity: 'none', smtpFrom: 'alerts@org.example' });
  const messageIdOf = (orgId: string, eventId: string, channelId: string) => `<${deliveryId({ org_id: orgId, id: eventId }, channelId)}@herald.example.com>`;
  const attemptsOf = (id: string, status: string) => eventually(async () => ((await deliveries().findById(id))?.status === status ? deliveries().attempts(id) : undefined), 30_000);

  it('sends one message per matching channel with its recipients, subject, HTML and text, colour and escaped fields', async () => {
    await org('org_mail');
    const secured = await smtpServer({ tls: certificate, auth: AUTH });
    await channels().create({ id: 'ec_team', orgId: 'org_mail', name: 'Deploy failures', recipients: ['ops@example.com', 'lead@example.com'], eventTypes: ['deploy.failed'] });
    await channels().create({
      id: 'ec_own',
      orgId: 'org_mail',
      recipients: ['oncall@org.example'],
      smtpHost: secured.host,
      smtpPort: secured.port,
      smtpSecurity: 'starttls',
      smtpUsername: AUTH.user,
      smtpPassword: AUTH.pass,
      smtpFrom: 'Org Alerts <alerts@org.example>',
    });
    await channels().create({ id: 'ec_other_type', orgId: 'org_mail', recipients: ['nobody@example.com'], eventTypes: ['deploy.succeeded'] });
    await channels().create({ id: 'ec_other_project', orgId: 'org_mail', recipients: ['nobody@example.com'], projectIds: ['prj_other'] });

    await publish('org_mail', {
      id: 'mail-1',
      type: 'deploy.failed',
      project_id: 'prj_9',
      data: { environment: 'production', actor: 'ci-bot', error: '<script>alert("owned")</script>', source_url: 'https://ci.example.com/runs/42' },
    });

    // The deployment's server is any channel's without its own: messages of earlier suites' leftover jobs may reach it too.
    const team = await eventually(() => deploymentSmtp.messages.find((mail) => mail.parsed.messageId === messageIdOf('org_mail', 'mail-1', 'ec_team')), 30_000);
    const [own] = await secured.waitForMessages(1, 30_000);

    expect(team.envelopeFrom).toBe('alerts@herald.example.com');
    expect(team.envelopeTo).toEqual(['ops@example.com', 'lead@example.com']);
    expect(team.secure).toBe(false);
    expect(own.envelopeFrom).toBe('alerts@org.example');
    expect(own.envelopeTo).toEqual(['oncall@org.example']);
    // AUTH over STARTTLS, verified against the test certificate.
    expect(own).toMatchObject({ secure: true, user: AUTH.user });

    for (const [mail, channelId] of [[team, 'ec_team'], [own, 'ec_own']] as const) {
      const { parsed } = mail;
      expect(parsed.subject).toBe('Deployment failed — production');
      expect(parsed.messageId).toBe(messageIdOf('org_mail', 'mail-1', channelId));
      expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
      expect(parsed.html).toContain(`bgcolor="${SEVERITY_COLOURS.failure}"`);
      expect(parsed.html).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
      expect(parsed.html).not.toContain('<script');
      expect(parsed.html).toContain('href="https://ci.example.com/runs/42"');
      expect(parsed.html).toContain(`href="${PUBLIC_URL}/settings/notifications?channel=${channelId}"`);
      expect(parsed.text).toMatch(/Environment: +production/);
      expect(parsed.text).toContain('<script>alert("owned")</script>');
    }

    for (const channelId of ['ec_team', 'ec_own']) {
      const attempts = await attemptsOf(deliveryId({ org_id: 'org_mail', id: 'mail-1' }, channelId), 'succeeded');
      expect(attempts.map((a) => [a.attempt, a.statusCode, a.succeeded, a.error])).toEqual([[1, 250, true, null]]);
      expect(attempts[0].responseBody).toMatch(/^250 2\.0\.0 Ok: queued as test-\d+$/);
    }
    // The channels for another type and another project got nothing.
    await new Promise((r) => setTimeout(r, 1500));
    const ofThisEvent = new Set(['ec_team', 'ec_other_type', 'ec_other_project'].map((channelId) => messageIdOf('org_mail', 'mail-1', channelId)));
    expect(deploymentSmtp.messages.filter((mail) => ofThisEvent.has(mail.parsed.messageId ?? ''))).toHaveLength(1);
    expect(await deliveries().findById(deliveryId({ org_id: 'org_mail', id: 'mail-1' }, 'ec_other_type'))).toBeNull();
    expect(await deliveries().findById(deliveryId({ org_id: 'org_mail', id: 'mail-1' }, 'ec_other_project'))).toBeNull();

    // The SMTP password is encrypted in Postgres, and decrypts to what was saved.
    const [row] = await dataSource.query('SELECT smtp_password FROM email_channels WHERE id = $1', ['ec_own']);
    expect(row.smtp_password).toMatch(/^enc1:[^:]+:[\w-]+:[\w-]+:[\w-]+$/);
    expect(row.smtp_password).not.toContain(AUTH.pass);
    expect((await channels().findById('ec_own'))?.smtpPassword).toBe(AUTH.pass);
  }, 90_000);

  it('retries a server that answers 451 twice and delivers on the third attempt, as the same message', async () => {
    await org('org_busy');
    const busy = await smtpServer({ onMessage: (index) => (index < 2 ? { code: 451, message: '4.3.0 Try again later' } : null) });
    await channels().create({ id: 'ec_busy', orgId: 'org_busy', recipients: ['ops@example.com'], ...ownSmtp(busy) });

    await publish('org_busy', { id: 'busy-1', type: 'deploy.failed', data: { environment: 'staging' } });
    const [delivered] = await busy.waitForMessages(1, 30_000);

    const id = deliveryId({ org_id: 'org_busy', id: 'busy-1' }, 'ec_busy');
    const offered = [...busy.refused, delivered];
    expect(offered.map((mail) => mail.parsed.messageId)).toEqual(Array(3).fill(`<${id}@herald.example.com>`));
    // The schedule says 1 s between attempts (±10 % jitter).
    offered.slice(1).forEach((mail, i) => expect(mail.receivedAt - offered[i].receivedAt).toBeGreaterThanOrEqual(850));

    const attempts = await attemptsOf(id, 'succeeded');
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.succeeded])).toEqual([
      [1, 451, false],
      [2, 451, false],
      [3, 250, true],
    ]);
    expect(attempts[0]).toMatchObject({ responseBody: '451 4.3.0 Try again later', error: 'SMTP 451 4.3.0 Try again later (after DATA)' });
  }, 60_000);

  it('fails a delivery for good on a 550, with the server’s reply in the log and on the dead-letter topic', async () => {
    await org('org_gone');
    const strict = await smtpServer({ onRecipient: (address) => ({ code: 550, message: `5.1.1 <${address}>: Recipient address rejected: User unknown` }) });
    await channels().create({ id: 'ec_gone', orgId: 'org_gone', recipients: ['former@example.com'], ...ownSmtp(strict) });

    await publish('org_gone', { id: 'gone-1', type: 'deploy.failed', data: { environment: 'production' } });
    const id = deliveryId({ org_id: 'org_gone', id: 'gone-1' }, 'ec_gone');
    const attempts = await attemptsOf(id, 'failed');
    const reply = '550 5.1.1 <former@example.com>: Recipient address rejected: User unknown';
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.succeeded, a.responseBody, a.error])).toEqual([[1, 550, false, reply, `SMTP ${reply} (after RCPT TO)`]]);

    const dead = await readTopic(kafka, Topics.dead, (seen) => seen.some((m) => m.key === 'ec_gone'), 30_000);
    expect(dead.find((m) => m.key === 'ec_gone')?.headers[Headers.reason]).toBe(`SMTP ${reply} (after RCPT TO)`);
    const accepted = await readTopic(kafka, Topics.accepted, (seen) => seen.some((m) => m.key === 'org_gone' && m.value?.toString().includes('"delivery.exhausted"')), 30_000);
    const exhausted = JSON.parse(accepted.find((m) => m.key === 'org_gone' && m.value?.toString().includes('"delivery.exhausted"'))!.value!.toString());
    expect(exhausted.data).toMatchObject({ delivery_id: id, email_channel_id: 'ec_gone', attempts: 1 });

    // Not retried.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await deliveries().attempts(id)).toHaveLength(1);
    expect(strict.offered()).toBe(0);
  }, 60_000);

  it('logs a recipient the server rejects and still delivers to the others', async () => {
    await org('org_partial');
    const picky = await smtpServer({ onRecipient: (address) => (address === 'gone@example.com' ? { code: 550, message: '5.1.1 <gone@example.com>: User unknown' } : null) });
    await channels().create({ id: 'ec_partial', orgId: 'org_partial', recipients: ['ops@example.com', 'gone@example.com', 'lead@example.com'], ...ownSmtp(picky) });

    await publish('org_partial', { id: 'partial-1', type: 'deploy.failed' });
    const [mail] = await picky.waitForMessages(1, 30_000);
    expect(mail.envelopeTo).toEqual(['ops@example.com', 'lead@example.com']);

    const attempts = await attemptsOf(deliveryId({ org_id: 'org_partial', id: 'partial-1' }, 'ec_partial'), 'succeeded');
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.succeeded, a.error])).toEqual([
      [1, 250, true, 'rejected recipients: gone@example.com (550 5.1.1 <gone@example.com>: User unknown)'],
    ]);
  }, 60_000);
});
