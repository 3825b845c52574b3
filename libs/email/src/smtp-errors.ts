import { UnsafeDestinationError } from '@herald/webhook-transport';
import { SmtpConfigurationError } from './smtp-settings';

/** Why an SMTP attempt failed, and whether another attempt later can succeed. */
export interface SmtpFailure {
  retryable: boolean;
  reason: string;
  /** The server's reply code, when it answered (451, 550, …). */
  responseCode: number | null;
  /** The server's reply line, when it answered. */
  response: string | null;
}

/** nodemailer error codes that describe our request, not the moment: trying again changes nothing. */
const FINAL_CODES = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE', 'ECONFIG']);

interface NodemailerError {
  message?: string;
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
}

/**
 * RFC 5321: a 4xx reply is transient and a 5xx reply permanent. Without a reply, connection
 * failures, timeouts and TLS trouble are retried (the next attempt may reach a healthy server),
 * while refusals about the request itself (no credentials, no recipients, a destination that is
 * not allowed, missing configuration) are final.
 */
export function classifySmtpError(error: unknown): SmtpFailure {
  const e = (error ?? {}) as NodemailerError;
  const response = typeof e.response === 'string' ? e.response : null;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (responseCode !== null && response !== null && responseCode >= 400) {
    const after = e.command ? ` (after ${e.command})` : '';
    return { retryable: responseCode < 500, reason: `SMTP ${response}${after}`, responseCode, response };
  }
  const message = e.message ?? String(error);
  if (error instanceof SmtpConfigurationError || error instanceof UnsafeDestinationError || (e.code && FINAL_CODES.has(e.code))) {
    return { retryable: false, reason: message, responseCode, response };
  }
  return { retryable: true, reason: e.code ? `${e.code}: ${message}` : message, responseCode, response };
}
