/**
 * The transport of a send, from config. Its own module so that commands
 * which never send (ingest, status, preview) do not load nodemailer.
 */
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Messenger } from '../deliver/messenger.ts';
import { OutboxMessenger } from '../deliver/outbox.ts';
import { SmtpMessenger } from '../deliver/smtp.ts';

/** SMTP when `delivery.smtp.url` is set (e.g. from `${DIGEST_SMTP_URL}`), else the outbox folder. */
export function createMessenger(config: Config): Messenger {
  if (config.delivery.smtp) return new SmtpMessenger(config.delivery.smtp);
  return new OutboxMessenger(config.delivery.outbox ?? join(config.output.dir, 'outbox'));
}
