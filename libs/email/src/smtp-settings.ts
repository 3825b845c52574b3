import type { HeraldConfig } from '@herald/config';
import type { EmailChannelEntity, SmtpSecurity } from '@herald/persistence';

/** Everything needed to reach one SMTP server and send as one sender. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** starttls: STARTTLS required; tls: implicit TLS from the first byte; none: plaintext. */
  security: SmtpSecurity;
  username: string | null;
  password: string | null;
  from: string;
  /**
   * Who chose the server: the operator (configuration) or an org (its channel). Org-chosen
   * hosts are reached only at public addresses, like webhook URLs.
   */
  origin: 'deployment' | 'channel';
}

export type ChannelSmtp = Pick<EmailChannelEntity, 'id' | 'smtpHost' | 'smtpPort' | 'smtpSecurity' | 'smtpUsername' | 'smtpPassword' | 'smtpFrom'>;

/** No server to send through, or one described incompletely: a configuration problem, never retried. */
export class SmtpConfigurationError extends Error {
  override name = 'SmtpConfigurationError';
}

const defaultPort = (security: SmtpSecurity) => (security === 'tls' ? 465 : 587);
const present = (value: string | null | undefined): string | null => (value && value.trim() !== '' ? value : null);

/** The deployment's SMTP server from SMTP_URL or SMTP_HOST…, or null when none is configured. */
export function smtpSettingsFromConfig(config: Pick<HeraldConfig, 'SMTP_URL' | 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'SMTP_SECURITY' | 'SMTP_FROM'>): SmtpSettings | null {
  const url = present(config.SMTP_URL);
  const host = present(config.SMTP_HOST);
  if (!url && !host) return null;
  const from = present(config.SMTP_FROM);
  if (!from) throw new SmtpConfigurationError('SMTP_FROM must be set when SMTP_URL or SMTP_HOST is');

  if (url) {
    const parsed = new URL(url);
    const security: SmtpSecurity = parsed.protocol === 'smtps:' ? 'tls' : (config.SMTP_SECURITY ?? 'starttls');
    return {
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port ? Number(parsed.port) : defaultPort(security),
      security,
      username: present(decodeURIComponent(parsed.username)),
      password: present(decodeURIComponent(parsed.password)),
      from,
      origin: 'deployment',
    };
  }
  const security = config.SMTP_SECURITY ?? (config.SMTP_PORT === 465 ? 'tls' : 'starttls');
  return {
    host: host!,
    port: config.SMTP_PORT ?? defaultPort(security),
    security,
    username: present(config.SMTP_USER),
    password: present(config.SMTP_PASSWORD),
    from,
    origin: 'deployment',
  };
}

/**
 * The channel's own server when it names a host (all of its settings apply together, so an org
 * cannot send as its own From through the operator's relay), else the deployment's.
 */
export function smtpSettingsForChannel(channel: ChannelSmtp, deployment: SmtpSettings | null): SmtpSettings {
  const host = present(channel.smtpHost);
  if (!host) {
    if (!deployment) throw new SmtpConfigurationError('no SMTP server: configure SMTP_URL (or SMTP_HOST) or give the email channel its own SMTP host');
    return deployment;
  }
  const from = present(channel.smtpFrom);
  if (!from) throw new SmtpConfigurationError(`email channel ${channel.id} has its own SMTP host but no from address`);
  const security = channel.smtpSecurity ?? 'starttls';
  return {
    host,
    port: channel.smtpPort ?? defaultPort(security),
    security,
    username: present(channel.smtpUsername),
    password: present(channel.smtpPassword),
    from,
    origin: 'channel',
  };
}
