/**
 * The Messenger interface between the send loop and a transport (listmonk's
 * shape): `send` one message, `close` at the end. SMTP and the outbox both
 * implement it.
 */
import type { OutgoingMessage } from './mime.ts';

/**
 * How one send ended. `temporary`: a 4xx reply or a dropped connection, worth
 * retrying. `permanent`: a 5xx reply about this recipient or message. `fatal`:
 * nothing can be sent at all (authentication refused, sender refused, TLS
 * required but not offered), so the run stops and the recipient stays pending.
 * `bounce`: a permanent refusal of the address itself, which counts towards
 * marking the subscriber bounced. `connection`: the failure had no answer
 * about this recipient (refused or dropped connection, timeout, a failure
 * before MAIL FROM), so it says the server may be down; a 4xx reply to the
 * recipient (greylisting) is that recipient's problem and never does.
 */
export type SendOutcome =
  | { ok: true; response: string }
  | { ok: false; kind: 'temporary' | 'permanent' | 'fatal'; error: string; bounce?: boolean; connection?: boolean };

/** Where a message belongs: its issue and a name unique within it (the outbox file name). */
export interface MessageKey {
  issueDate: string;
  name: string;
}

/** A transport for messages. */
export interface Messenger {
  /** Human-readable description for summaries (`smtp://host:port`, `outbox out/outbox`). */
  readonly description: string;
  /** How many messages it can usefully have in flight at once. */
  readonly concurrency: number;
  send(message: OutgoingMessage, key: MessageKey): Promise<SendOutcome>;
  close(): Promise<void>;
}
