export { EmailModule } from './email.module';
export { Mailer, type EmailChannel, type MailerConfig, type TestEmailResult } from './mailer';
export { renderEmail, SEVERITY_COLOURS, type EmailContent, type RenderedEmail } from './render';
export { classifySmtpError, type SmtpFailure } from './smtp-errors';
export { SmtpConfigurationError, smtpSettingsForChannel, smtpSettingsFromConfig, type ChannelSmtp, type SmtpSettings } from './smtp-settings';
export type { OutgoingEmail, RejectedRecipient, SmtpResult } from './smtp-transports';
