import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Arrivals } from './arrivals';

export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
  /** TLS was on when the message was sent (implicit TLS or after STARTTLS). */
  secure: boolean;
  /** Who the client authenticated as; null without AUTH. */
  user: string | null;
  receivedAt: number;
}

/** An SMTP reply a test wants the server to give, e.g. { code: 451, message: 'try later' }. */
export interface SmtpReply {
  code: number;
  message: string;
}

export interface TestSmtpServerOptions {
  /** Require AUTH with these credentials (only over TLS, as real servers do). */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS with this certificate, or with `implicitTls` speak TLS from the first byte. */
  tls?: { key: string; cert: string };
  implicitTls?: boolean;
  /** Refuse a RCPT TO; null accepts it. */
  onRecipient?: (address: string) => SmtpReply | null;
  /** Refuse a message after its DATA; `index` counts messages offered so far (0-based). null accepts. */
  onMessage?: (index: number) => SmtpReply | null;
}

export interface TestSmtpServer {
  host: string;
  port: number;
  /** Messages accepted, in arrival order. */
  messages: ReceivedMail[];
  /** Messages refused after their DATA (by `onMessage`), in arrival order. */
  refused: ReceivedMail[];
  /** Messages offered (DATA received), accepted or refused. */
  offered(): number;
  /** SMTP connections opened to this server so far. */
  connections(): number;
  /** Resolves once `count` messages were accepted; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /**
   * Resolves once `count` messages whose Message-ID is one of `messageIds` were accepted, in arrival order; others (a
   * mail of another suite's unfinished job, on a deliveries topic the suites share) are left out.
   */
  waitForMessagesWithIds(messageIds: readonly string[], count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

const replyError = ({ code, message }: SmtpReply) => Object.assign(new Error(message), { responseCode: code });

/** A real SMTP server on loopback (the nodemailer project's smtp-server) that keeps what it accepts. */
export async function startSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const arrivals = new Arrivals<ReceivedMail>();
  const messages = arrivals.items;
  const refused: ReceivedMail[] = [];
  let offered = 0;
  let connections = 0;
  const server = new SMTPServer({
    logger: false,
    // Pooled clients keep connections open: close them at once when the test is done.
    closeTimeout: 100,
    secure: options.implicitTls ?? false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) return callback(null, { user: auth.username });
      callback(replyError({ code: 535, message: '5.7.8 Authentication credentials invalid' }));
    },
    onRcptTo(address, _session, callback) {
      const reply = options.onRecipient?.(address.address);
      callback(reply ? replyError(reply) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const reply = options.onMessage?.(offered++);
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const mail: ReceivedMail = {
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
              secure: session.secure,
              user: typeof session.user === 'string' ? session.user : null,
              receivedAt: Date.now(),
            };
            if (reply) {
              refused.push(mail);
              return callback(replyError(reply));
            }
            arrivals.add(mail);
            callback(null, `2.0.0 Ok: queued as test-${messages.length}`);
          },
          (error: Error) => callback(replyError({ code: 554, message: `unparseable message: ${error.message}` })),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    messages,
    refused,
    offered: () => offered,
    connections: () => connections,
    waitForMessages(count, timeoutMs = 30_000) {
      return arrivals.waitFor(count, timeoutMs, () => `expected ${count} messages within ${timeoutMs} ms, got ${messages.length} (${offered} offered)`);
    },
    waitForMessagesWithIds(messageIds, count = messageIds.length, timeoutMs = 30_000) {
      const ours = (mail: ReceivedMail) => messageIds.includes(mail.parsed.messageId ?? '');
      return arrivals.waitFor(count, timeoutMs, () => `expected ${count} of ${messageIds.length} messages by id within ${timeoutMs} ms, got ${messages.filter(ours).length} (${messages.length} in all)`, ours);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A throwaway self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'herald-test-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'pipe' });
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
