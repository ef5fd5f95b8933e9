/**
 * The Messenger interface between the send loop and a transport (listmonk's
 * shape): `send` one message, `close` at the end. SMTP and the outbox both
 * implement it.
 */
import type Mail from 'nodemailer/lib/mailer/index.js';

/** How one send ended. `temporary` failures may be retried; `permanent` may not. */
export type SendOutcome =
  | { ok: true; response: string }
  | { ok: false; permanent: boolean; error: string };

/** A transport for messages. */
export interface Messenger {
  /** Human-readable description for summaries (`smtp://host:port`, `outbox out/outbox/…`). */
  readonly description: string;
  send(mail: Mail.Options, key: { issueDate: string; subscriberId: number }): Promise<SendOutcome>;
  close(): Promise<void>;
}
