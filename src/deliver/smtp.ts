/**
 * The SMTP transport (nodemailer). Pooled connections; a dropped connection
 * must not silently re-queue a message (GUIDE.md pitfalls: maxRequeues), so
 * the send loop alone decides about retries.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Messenger, SendOutcome } from './messenger.ts';

/** SMTP settings from `delivery.smtp`. */
export interface SmtpSettings {
  url: string;
  pool: boolean;
  maxConnections: number;
  ratePerSecond: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

/** Is an SMTP error permanent (5xx) rather than temporary (4xx, network)? */
export function isPermanent(err: { responseCode?: number; code?: string }): boolean {
  return typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600;
}

/** A Messenger over SMTP. */
export class SmtpMessenger implements Messenger {
  private readonly transport: Transporter;
  readonly description: string;

  constructor(settings: SmtpSettings) {
    const url = new URL(settings.url);
    this.description = `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`;
    this.transport = nodemailer.createTransport(settings.url, {
      pool: settings.pool,
      maxConnections: settings.maxConnections,
      maxMessages: 1000,
      maxRequeues: 0,
      ...(settings.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: settings.ratePerSecond } : {}),
      ...(settings.dkim
        ? {
            dkim: {
              ...settings.dkim,
              // RFC 8058 requires List-Unsubscribe-Post to be signed; the default list omits it.
              headerFieldNames: 'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post',
            },
          }
        : {}),
    } as Parameters<typeof nodemailer.createTransport>[1]);
  }

  async send(mail: Mail.Options): Promise<SendOutcome> {
    try {
      const info = await this.transport.sendMail(mail);
      if (info.rejected?.length) {
        return { ok: false, permanent: true, error: `rejected: ${info.rejected.join(', ')} (${info.response})` };
      }
      return { ok: true, response: info.response ?? "" };
    } catch (err) {
      const e = err as Error & { responseCode?: number; code?: string; response?: string };
      return { ok: false, permanent: isPermanent(e), error: e.response ?? `${e.code ?? ''} ${e.message}`.trim() };
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
