/**
 * Building one recipient's message: personalized parts, Message-ID, and the
 * list headers Gmail/Yahoo require of bulk senders (RFC 2369, RFC 8058).
 */
import type Mail from 'nodemailer/lib/mailer/index.js';
import { personalize } from '../render/personalize.ts';
import type { RenderedIssue } from '../types.ts';

/** Settings of the list, from config. */
export interface ListSettings {
  from: string;
  replyTo?: string;
  /** `List-Id` value, e.g. `信息摘编 <digest.example.org>`. */
  listId: string;
  unsubscribeMailto: string;
}

/** One recipient of one issue. */
export interface MessageRecipient {
  email: string;
  name: string | null;
  messageId: string;
  unsubscribeUrl: string;
}

/** `List-Id` with a non-ASCII phrase encoded (RFC 2047) and the id itself left bare. */
export function listIdHeader(listId: string): string {
  const m = /^(.*?)\s*<([^>]+)>$/.exec(listId);
  if (!m) return `<${listId}>`;
  const phrase = m[1]!.trim();
  const encoded = /^[\x20-\x7e]*$/.test(phrase) ? `"${phrase.replace(/["\\]/g, '')}"` : `=?UTF-8?B?${Buffer.from(phrase).toString('base64')}?=`;
  return phrase ? `${encoded} <${m[2]}>` : `<${m[2]}>`;
}

/** The nodemailer message for one recipient; text part first (multipart/alternative). */
export function buildMessage(rendered: RenderedIssue, r: MessageRecipient, list: ListSettings, subjectPrefix = ''): Mail.Options {
  const parts = personalize(rendered, { name: r.name, unsubscribeUrl: r.unsubscribeUrl });
  return {
    from: list.from,
    replyTo: list.replyTo,
    to: r.name ? { name: r.name, address: r.email } : r.email,
    subject: subjectPrefix + rendered.subject,
    messageId: r.messageId,
    text: parts.text,
    html: parts.html,
    headers: {
      // Prepared: nodemailer would otherwise encode the whole value, <list-id> included (RFC 2919 needs it bare).
      'List-Id': { prepared: true, value: listIdHeader(list.listId) },
      'List-Unsubscribe': `<${r.unsubscribeUrl}>, <mailto:${list.unsubscribeMailto}?subject=unsubscribe>`,
      // nodemailer's `list` option cannot express this header (GUIDE.md pitfalls).
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      Precedence: 'bulk',
    },
  };
}
