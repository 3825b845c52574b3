import { createHash } from 'node:crypto';
import { connect, isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { guardedLookup, isForbiddenAddress, UnsafeDestinationError, type DestinationPolicy } from '@herald/webhook-transport';
import { classifySmtpError, type SmtpFailure } from './smtp-errors';
import type { SmtpSettings } from './smtp-settings';

/** One message as handed to SMTP. */
export interface OutgoingEmail {
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** `<…>`: stable per delivery, so a retried send is recognisable as the same message. */
  messageId: string;
  headers: Record<string, string>;
}

export interface RejectedRecipient {
  address: string;
  response: string;
}

/** What came of one SMTP attempt, before any retry policy is applied. */
export type SmtpResult =
  | { kind: 'sent'; latencyMs: number; responseCode: number | null; response: string; accepted: string[]; rejected: RejectedRecipient[] }
  | ({ kind: 'failed'; latencyMs: number } & SmtpFailure);

export interface SmtpTransportOptions {
  /** Connection, greeting and idle-socket timeout. */
  timeoutMs: number;
  /** Lets org-chosen SMTP hosts be loopback (tests, local demo). */
  allowLoopback: boolean;
  /** Extra TLS options for every connection; tests use it to trust their own certificate. */
  tls?: ConnectionOptions;
}

/** Pools unused this long are closed; bounds open connections with many per-channel servers. */
const IDLE_MS = 10 * 60_000;
const MAX_CONNECTIONS_PER_SERVER = 3;

type Pool = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

/**
 * One pooled nodemailer transport per distinct SMTP server and login, reused across deliveries.
 * Servers an org chose are reached through the same address guard as webhooks (checked when
 * the socket connects, so DNS rebinding cannot point them inside the network).
 */
export class SmtpTransports {
  private readonly pools = new Map<string, { pool: Pool; usedAt: number }>();
  private readonly policy: DestinationPolicy;

  constructor(private readonly options: SmtpTransportOptions) {
    this.policy = { allowLoopback: options.allowLoopback };
  }

  async send(settings: SmtpSettings, email: OutgoingEmail): Promise<SmtpResult> {
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      const info = await this.poolFor(settings).sendMail({
        from: settings.from,
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId: email.messageId,
        headers: email.headers,
      });
      return {
        kind: 'sent',
        latencyMs: latencyMs(),
        responseCode: replyCode(info.response),
        response: info.response,
        accepted: info.accepted.map(String),
        // nodemailer tags each refused RCPT TO with the address it was for.
        rejected: (info.rejectedErrors ?? []).map((error) => ({ address: String((error as { recipient?: string }).recipient), response: error.response ?? error.message })),
      };
    } catch (error) {
      return { kind: 'failed', latencyMs: latencyMs(), ...classifySmtpError(error) };
    }
  }

  /** Closes every pool (at shutdown). */
  close(): void {
    for (const { pool } of this.pools.values()) pool.close();
    this.pools.clear();
  }

  private poolFor(settings: SmtpSettings): Pool {
    const key = createHash('sha256').update(JSON.stringify([settings.origin, settings.host, settings.port, settings.security, settings.username, settings.password])).digest('hex');
    const now = Date.now();
    const existing = this.pools.get(key);
    if (existing) {
      existing.usedAt = now;
      return existing.pool;
    }
    this.sweep(now);
    const { timeoutMs, tls } = this.options;
    const pool = createTransport({
      pool: true,
      maxConnections: MAX_CONNECTIONS_PER_SERVER,
      host: settings.host,
      port: settings.port,
      secure: settings.security === 'tls',
      requireTLS: settings.security === 'starttls',
      ignoreTLS: settings.security === 'none',
      auth: settings.username ? { user: settings.username, pass: settings.password ?? '' } : undefined,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      tls,
      disableFileAccess: true,
      disableUrlAccess: true,
      ...(settings.origin === 'channel' ? { getSocket: guardedSocket(settings, this.policy) } : {}),
    });
    this.pools.set(key, { pool, usedAt: now });
    return pool;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.pools) {
      if (now - entry.usedAt > IDLE_MS) {
        entry.pool.close();
        this.pools.delete(key);
      }
    }
  }
}

/** Opens the TCP connection itself, so the host's addresses are checked before any byte is sent. */
function guardedSocket({ host, port }: SmtpSettings, policy: DestinationPolicy): SMTPPool.Options['getSocket'] {
  return (_options, callback) => {
    if (isIP(host) && isForbiddenAddress(host, policy)) return callback(new UnsafeDestinationError(`SMTP host ${host} is not publicly routable`), null);
    callback(null, { connection: connect({ host, port, lookup: guardedLookup(policy) }) });
  };
}

function replyCode(response: string): number | null {
  const match = /^(\d{3})/.exec(response);
  return match ? Number(match[1]) : null;
}
