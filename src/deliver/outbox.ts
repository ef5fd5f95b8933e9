/**
 * The outbox transport: each message becomes `outbox/<date>/<id>.eml`, the
 * embedded default when no SMTP server is configured. Writing is atomic and a
 * message already in the outbox is never written twice.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { writeAtomic } from '../publish/files.ts';
import type { Messenger, SendOutcome } from './messenger.ts';

/** A Messenger that writes .eml files. */
export class OutboxMessenger implements Messenger {
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = `outbox ${dir}`;
  }

  /** The file a message for this key goes to. */
  pathFor(key: { issueDate: string; subscriberId: number }): string {
    return join(this.dir, key.issueDate, `${String(key.subscriberId).padStart(6, '0')}.eml`);
  }

  async send(mail: Mail.Options, key: { issueDate: string; subscriberId: number }): Promise<SendOutcome> {
    const path = this.pathFor(key);
    if (existsSync(path)) return { ok: true, response: `already in outbox: ${path}` };
    const info = await this.transport.sendMail(mail);
    writeAtomic(path, info.message as Buffer);
    return { ok: true, response: `written ${path}` };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
