/**
 * What a message is made of besides the issue: the list's settings (From,
 * List-Id, the unsubscribe mailbox) and one recipient's bits.
 */

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
  /** The signed preference centre link (the footer's 订阅设置). */
  preferencesUrl?: string;
  /** The envelope sender (VERP) when `delivery.returnPath` is set. */
  returnPath?: string;
}

/** `List-Id` with a non-ASCII phrase encoded (RFC 2047) and the id itself left bare (RFC 2919). */
export function listIdHeader(listId: string): string {
  const m = /^(.*?)\s*<([^>]+)>$/.exec(listId);
  if (!m) return `<${listId}>`;
  const phrase = m[1]!.trim();
  const encoded = /^[\x20-\x7e]*$/.test(phrase)
    ? `"${phrase.replace(/["\\]/g, '')}"`
    : `=?UTF-8?B?${Buffer.from(phrase).toString('base64')}?=`;
  return phrase ? `${encoded} <${m[2]}>` : `<${m[2]}>`;
}

/** The bare address of a `Name <address>` string (the envelope sender). */
export function bareAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();
}
