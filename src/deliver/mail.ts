/**
 * The parts of delivery that load nodemailer: composing messages (mime.ts)
 * and the SMTP transport. Reached through `loadMail()` in index.ts, so
 * commands that never send (ingest, status, preview pages) do not load it.
 */
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import type { Messenger } from './messenger.ts';
import { OutboxMessenger } from './outbox.ts';
import { SmtpMessenger } from './smtp.ts';

export { IssueMessage } from './mime.ts';

/** SMTP when `delivery.smtp.url` is set (e.g. from `${DIGEST_SMTP_URL}`), else the outbox folder (default `<output.dir>/outbox`). */
export function createMessenger(delivery: Config['delivery'], outputDir: string): Messenger {
  if (delivery.smtp) return new SmtpMessenger(delivery.smtp);
  return new OutboxMessenger(delivery.outbox ?? join(outputDir, 'outbox'));
}
export { SubscriptionMailer, type SubscriptionMailKind, type SubscriptionMailRequest } from './subscription-mail.ts';
export { VariantMessages } from './variants.ts';
