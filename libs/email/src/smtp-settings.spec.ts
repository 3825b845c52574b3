import { loadConfig } from '@herald/config';
import { SmtpConfigurationError, smtpSettingsForChannel, smtpSettingsFromConfig, type ChannelSmtp } from './smtp-settings';

const FROM = 'Herald <alerts@example.com>';
const settingsOf = (env: Record<string, string>) => smtpSettingsFromConfig(loadConfig(env));
const noOwnSmtp: ChannelSmtp = { id: 'ec_1', smtpHost: null, smtpPort: null, smtpSecurity: null, smtpUsername: null, smtpPassword: null, smtpFrom: null };

describe('deployment SMTP settings', () => {
  it('are absent when neither SMTP_URL nor SMTP_HOST is set', () => {
    expect(settingsOf({})).toBeNull();
    expect(settingsOf({ SMTP_HOST: '' })).toBeNull();
  });

  it('come from SMTP_URL, with STARTTLS on 587 for smtp:// and implicit TLS on 465 for smtps://', () => {
    expect(settingsOf({ SMTP_URL: 'smtp://mailer:p%40ss%3Aword@mail.example.com', SMTP_FROM: FROM })).toEqual({
      host: 'mail.example.com',
      port: 587,
      security: 'starttls',
      username: 'mailer',
      password: 'p@ss:word',
      from: FROM,
      origin: 'deployment',
    });
    expect(settingsOf({ SMTP_URL: 'smtps://mail.example.com', SMTP_FROM: FROM })).toMatchObject({ port: 465, security: 'tls', username: null, password: null });
    expect(settingsOf({ SMTP_URL: 'smtp://127.0.0.1:2525', SMTP_SECURITY: 'none', SMTP_FROM: FROM })).toMatchObject({ host: '127.0.0.1', port: 2525, security: 'none' });
  });

  it('come from SMTP_HOST and friends, implicit TLS when the port is 465', () => {
    expect(settingsOf({ SMTP_HOST: 'mail.example.com', SMTP_USER: 'u', SMTP_PASSWORD: 'p', SMTP_FROM: FROM })).toMatchObject({ port: 587, security: 'starttls', username: 'u', password: 'p' });
    expect(settingsOf({ SMTP_HOST: 'mail.example.com', SMTP_PORT: '465', SMTP_FROM: FROM })).toMatchObject({ port: 465, security: 'tls' });
    expect(settingsOf({ SMTP_HOST: 'mail.example.com', SMTP_SECURITY: 'tls', SMTP_FROM: FROM })).toMatchObject({ port: 465, security: 'tls' });
  });

  it('need a from address, and reject what is not an SMTP URL at start', () => {
    expect(() => settingsOf({ SMTP_HOST: 'mail.example.com' })).toThrow(new SmtpConfigurationError('SMTP_FROM must be set when SMTP_URL or SMTP_HOST is'));
    expect(() => loadConfig({ SMTP_URL: 'https://mail.example.com' })).toThrow(/SMTP_URL: must look like smtp:/);
    expect(() => loadConfig({ HERALD_EMAIL_RETRY_SCHEDULE: '5s,soon' })).toThrow(/HERALD_EMAIL_RETRY_SCHEDULE/);
    expect(loadConfig({}).HERALD_EMAIL_RETRY_SCHEDULE).toEqual(['5s', '30s', '2m', '10m', '1h', '6h']);
  });
});

describe('a channel’s SMTP settings', () => {
  const deployment = settingsOf({ SMTP_URL: 'smtp://relay.example.com', SMTP_FROM: FROM });

  it('are the deployment’s when the channel names no host of its own', () => {
    expect(smtpSettingsForChannel(noOwnSmtp, deployment)).toBe(deployment);
    // A from address alone does not let an org send as anyone through the operator's relay.
    expect(smtpSettingsForChannel({ ...noOwnSmtp, smtpFrom: 'ceo@bank.example' }, deployment).from).toBe(FROM);
  });

  it('are the channel’s own, all together, when it names a host', () => {
    const own = { ...noOwnSmtp, smtpHost: 'smtp.org.example', smtpUsername: 'org', smtpPassword: 'secret', smtpFrom: 'alerts@org.example' };
    expect(smtpSettingsForChannel(own, deployment)).toEqual({
      host: 'smtp.org.example',
      port: 587,
      security: 'starttls',
      username: 'org',
      password: 'secret',
      from: 'alerts@org.example',
      origin: 'channel',
    });
    expect(smtpSettingsForChannel({ ...own, smtpSecurity: 'tls' }, null)).toMatchObject({ port: 465, security: 'tls' });
    expect(smtpSettingsForChannel({ ...own, smtpPort: 2525, smtpSecurity: 'none' }, null)).toMatchObject({ port: 2525, security: 'none' });
  });

  it('are a configuration error when there is no server or no sender', () => {
    expect(() => smtpSettingsForChannel(noOwnSmtp, null)).toThrow(SmtpConfigurationError);
    expect(() => smtpSettingsForChannel({ ...noOwnSmtp, smtpHost: 'smtp.org.example' }, deployment)).toThrow('email channel ec_1 has its own SMTP host but no from address');
  });
});
