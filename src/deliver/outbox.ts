/**
 * The outbox transport: each message becomes `outbox/<date>/<name>.eml`, the
 * embedded default when no SMTP server is configured. Writing is atomic and a
 * message already in the outbox is never written twice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../util/fs.ts';
import type { OutgoingMessage } from './mime.ts';
import type { MessageKey, Messenger, SendOutcome } from './messenger.ts';

/** A Messenger that writes .eml files (the exact bytes SMTP would carry). */
export class OutboxMessenger implements Messenger {
  readonly description: string;
  readonly concurrency = 1;

  constructor(private readonly dir: string) {
    this.description = `outbox ${dir}`;
  }

  /** The file a message for this key goes to. */
  pathFor(key: MessageKey): string {
    return join(this.dir, key.issueDate, `${key.name}.eml`);
  }

  async send(message: OutgoingMessage, key: MessageKey): Promise<SendOutcome> {
    const path = this.pathFor(key);
    if (existsSync(path)) return { ok: true, response: `already in outbox: ${path}` };
    try {
      writeAtomic(path, message.raw);
    } catch (err) {
      // A full or read-only disk stops the run; the delivery stays pending.
      return { ok: false, kind: 'fatal', error: `cannot write ${path}: ${(err as Error).message}` };
    }
    return { ok: true, response: `written ${path}` };
  }

  async close(): Promise<void> {}
}
