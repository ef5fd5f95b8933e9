/**
 * The SMTP transport (nodemailer): pooled connections, STARTTLS or implicit
 * TLS, authentication and DKIM from the URL and config. A dropped connection
 * never re-queues a message behind our back (GUIDE.md pitfalls: maxRequeues):
 * the send loop alone decides about retries, with the ledger in step.
 */
import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import { ConfigError } from '../errors.ts';
import type { OutgoingMessage } from './mime.ts';
import type { Messenger, SendOutcome } from './messenger.ts';

/** SMTP settings from `delivery.smtp`. */
export interface SmtpSettings {
  url: string;
  pool: boolean;
  maxConnections: number;
  maxMessages?: number;
  requireTLS?: boolean;
  tlsRejectUnauthorized?: boolean;
  /** `privateKey` is a PEM key or the path of a PEM file. */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

/** RFC 8058 requires List-Unsubscribe-Post to be signed; nodemailer's default list omits it. */
export const DKIM_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post';

/** The error fields nodemailer sets that tell what went wrong where. */
export interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

/** Codes that mean no message can go out until the configuration changes. */
const FATAL_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG']);

/**
 * Classify a failed SMTP send. 5xx is permanent (503, a wrong command order,
 * is not); a refused sender or login is fatal for the whole run; everything
 * else — 4xx, dropped or refused connections, timeouts — is temporary.
 * `bounce`: the refusal is about the recipient's address (at RCPT TO, or an
 * enhanced status 5.1.x), so it counts towards marking them bounced.
 */
export function classifySmtpError(err: SmtpErrorLike): Exclude<SendOutcome, { ok: true }> {
  const text = (err.response ?? `${err.code ?? ''} ${err.message ?? ''}`).trim();
  const code = err.responseCode;
  if (err.code && FATAL_CODES.has(err.code)) return { ok: false, kind: 'fatal', error: text, bounce: false };
  const permanent = typeof code === 'number' && code >= 500 && code < 600 && code !== 503;
  if (permanent && err.command === 'MAIL FROM') return { ok: false, kind: 'fatal', error: `the server refuses the sender: ${text}`, bounce: false };
  if (permanent) {
    const bounce = err.command === 'RCPT TO' || /^5\d\d[ -]5\.1\.\d/.test(err.response ?? '');
    return { ok: false, kind: 'permanent', error: text, bounce };
  }
  return { ok: false, kind: 'temporary', error: text, bounce: false };
}

/** The DKIM private key: inline PEM, or read from the file it names. */
function dkimKey(value: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (err) {
    throw new ConfigError(`delivery.smtp.dkim.privateKey: cannot read "${value}": ${(err as Error).message}`, 'give the PEM key itself (from the environment) or the path of a PEM file');
  }
}

/** A Messenger over SMTP. */
export class SmtpMessenger implements Messenger {
  private readonly transport: Transporter;
  readonly description: string;
  readonly concurrency: number;

  constructor(settings: SmtpSettings) {
    let url: URL;
    try {
      url = new URL(settings.url);
    } catch {
      throw new ConfigError(`delivery.smtp.url: "${settings.url.replace(/\/\/[^@/]*@/, '//…@')}" is not a URL`, 'write smtp://user:pass@host:587 or smtps://user:pass@host:465');
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
      throw new ConfigError(`delivery.smtp.url: the scheme must be smtp: or smtps:, not ${url.protocol}`, 'write smtp://user:pass@host:587 or smtps://user:pass@host:465');
    }
    // Never show credentials in summaries.
    this.description = `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`;
    this.concurrency = settings.pool ? settings.maxConnections : 1;
    // Transport options go in the first argument, next to `url`: a second
    // argument would be taken as message defaults and silently ignored.
    this.transport = nodemailer.createTransport({
      url: settings.url,
      pool: settings.pool,
      maxConnections: settings.maxConnections,
      maxMessages: settings.maxMessages ?? 100,
      maxRequeues: 0,
      requireTLS: settings.requireTLS ?? false,
      tls: { rejectUnauthorized: settings.tlsRejectUnauthorized ?? true },
      ...(settings.dkim ? { dkim: { ...settings.dkim, privateKey: dkimKey(settings.dkim.privateKey), headerFieldNames: DKIM_HEADERS } } : {}),
    } as Parameters<typeof nodemailer.createTransport>[0]);
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    try {
      const info = await this.transport.sendMail({ envelope: message.envelope, raw: message.raw });
      if (info.rejected?.length) {
        return { ok: false, kind: 'permanent', error: `rejected: ${info.rejected.join(', ')} (${info.response})`, bounce: true };
      }
      return { ok: true, response: info.response ?? '' };
    } catch (err) {
      return classifySmtpError(err as SmtpErrorLike);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
