/**
 * The MIME message of an issue, composed once and filled in per recipient.
 *
 * nodemailer's MailComposer costs about 5 ms per message for a 60-item issue
 * (it re-encodes 150 KB of HTML and text every time), which caps a send near
 * 150 messages/s. Here the headers are encoded once (with nodemailer's own
 * encoders), and each body part is split at its personalisation tokens and
 * base64-encoded once per byte alignment: a recipient only costs encoding the
 * few bytes around their name and unsubscribe link, written with the
 * pre-encoded parts straight into the transport's reusable buffer.
 *
 * The result: `multipart/alternative`, text part first (SpamAssassin's
 * MPART_ALT_DIFF and MIME_HTML_ONLY), both parts base64 in UTF-8, all lines
 * under 78 characters, 7-bit clean (no 8BITMIME or SMTPUTF8 needed), with
 * Message-ID, Date, List-Id, List-Unsubscribe (https + mailto) and
 * List-Unsubscribe-Post (RFC 2369, 2919, 8058).
 */
import { randomBytes } from 'node:crypto';
import { personalize } from '../render/index.ts';
import { TOKENS } from '../render/index.ts';
import type { RenderedIssue } from '../types.ts';
import { foldLines, MimeNode } from './nodemailer.ts';
import { bareAddress, listIdHeader, type ListSettings, type MessageRecipient } from './message.ts';

/** Appends bytes to a buffer that grows when needed (a transport reuses it from message to message). */
export class ByteWriter {
  length = 0;

  constructor(public buf: Buffer = Buffer.allocUnsafe(256 * 1024)) {}

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  bytes(b: Buffer): void {
    this.reserve(b.length);
    this.length += b.copy(this.buf, this.length);
  }

  /** An ASCII string (headers, base64). */
  ascii(s: string): void {
    this.reserve(s.length);
    this.length += this.buf.write(s, this.length, 'latin1');
  }

  /** Base64 of `src` in lines of 76 characters, each ended by CRLF. */
  base64Lines(src: Buffer): void {
    const b64 = src.toString('base64');
    this.reserve(b64.length + Math.ceil(b64.length / 76) * 2);
    for (let i = 0; i < b64.length; i += 76) {
      this.length += this.buf.write(b64.slice(i, i + 76), this.length, 'latin1');
      this.buf[this.length++] = 13;
      this.buf[this.length++] = 10;
    }
  }

  /** What was written. */
  get written(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * A message ready for a transport: its envelope, and its bytes written on
 * demand into the transport's own reusable buffer, so sending allocates
 * nothing per message that only a major garbage collection would free.
 */
export class OutgoingMessage {
  private joined: Buffer | null = null;

  constructor(
    readonly envelope: { from: string; to: string },
    readonly messageId: string,
    private readonly writeTo: (w: ByteWriter) => void,
  ) {}

  /** Write the message into `scratch` (replaced by a bigger buffer when too small). */
  into(scratch: Buffer): { bytes: Buffer; scratch: Buffer } {
    const w = new ByteWriter(scratch);
    this.writeTo(w);
    return { bytes: w.written, scratch: w.buf };
  }

  /** The whole message in a buffer of its own. */
  get raw(): Buffer {
    this.joined ??= this.into(Buffer.allocUnsafe(256 * 1024)).bytes;
    return this.joined;
  }
}

const CRLF = '\r\n';
const TOKEN_LIST: string[] = Object.values(TOKENS);
// Below this many bytes a static piece is simply encoded with its neighbours.
const MIN_PRECOMPUTED = 96;

/** Base64 of `buf` in lines of 76 characters, each ended by CRLF. */
export function base64Lines(buf: Buffer): Buffer {
  if (!buf.length) return Buffer.alloc(0);
  const b64 = Buffer.from(buf.toString('base64'), 'latin1');
  const n = b64.length;
  const out = Buffer.allocUnsafe(n + Math.ceil(n / 76) * 2);
  let o = 0;
  for (let i = 0; i < n; i += 76) {
    o += b64.copy(out, o, i, Math.min(i + 76, n));
    out[o++] = 13;
    out[o++] = 10;
  }
  return out;
}

/** A static piece of a body, pre-encoded for each of the three byte alignments it can start at. */
interface StaticPiece {
  bytes: Buffer;
  /** By k = bytes taken to complete the group before it: the base64 of the following whole groups, and the 0–2 bytes left. */
  aligned: { body: Buffer; tail: Buffer }[] | null;
}

// The bytes between two pre-encoded pieces of a Base64Template collect here:
// one buffer for the process (rendering is synchronous, so no two renders
// share it at once), grown when a value needs more and kept for the next message.
let held = Buffer.allocUnsafe(16 * 1024);

/**
 * A body template split at its tokens. Base64 works in groups of 3 bytes, so
 * a static piece encodes the same way whenever it starts at the same offset
 * modulo 3: precompute the three cases, and per recipient encode only the
 * bytes between them (token values plus at most 2 bytes on each side).
 * Decoders ignore where lines break (RFC 2045 §6.8); every line but the last
 * still holds a multiple of 4 characters, for line-by-line decoders.
 */
export class Base64Template {
  private readonly pieces: (StaticPiece | string)[] = [];

  constructor(template: string) {
    const re = new RegExp(TOKEN_LIST.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    let last = 0;
    for (const m of template.matchAll(re)) {
      this.addStatic(template.slice(last, m.index));
      this.pieces.push(m[0]);
      last = m.index + m[0].length;
    }
    this.addStatic(template.slice(last));
  }

  private addStatic(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    if (!bytes.length) return;
    const aligned =
      bytes.length < MIN_PRECOMPUTED
        ? null
        : [0, 1, 2].map((k) => {
            const rest = bytes.subarray(k);
            const whole = rest.length - (rest.length % 3);
            return { body: base64Lines(rest.subarray(0, whole)), tail: rest.subarray(whole) };
          });
    this.pieces.push({ bytes, aligned });
  }

  /** Write the encoded body for these token values. */
  renderInto(values: ReadonlyMap<string, string>, w: ByteWriter): void {
    // The bytes between two pre-encoded pieces (token values, and at most 2
    // bytes on each side) collect in a shared buffer: this runs synchronously.
    let pending = 0;
    const room = (n: number) => {
      if (pending + n > held.length) {
        const bigger = Buffer.allocUnsafe(Math.max(held.length * 2, pending + n));
        held.copy(bigger, 0, 0, pending);
        held = bigger;
      }
    };
    for (const piece of this.pieces) {
      if (typeof piece === 'string') {
        const value = values.get(piece) ?? '';
        room(Buffer.byteLength(value, 'utf8'));
        pending += held.write(value, pending, 'utf8');
        continue;
      }
      const k = (3 - (pending % 3)) % 3;
      if (!piece.aligned) {
        room(piece.bytes.length);
        pending += piece.bytes.copy(held, pending);
        continue;
      }
      if (pending + k > 0) {
        room(k);
        pending += piece.bytes.copy(held, pending, 0, k);
        w.base64Lines(held.subarray(0, pending));
      }
      const { body, tail } = piece.aligned[k]!;
      w.bytes(body);
      room(tail.length);
      pending = tail.copy(held, 0);
    }
    if (pending) w.base64Lines(held.subarray(0, pending));
  }
}

// personalize() decides what each token becomes (escaping, the default
// greeting); asking it about a probe made only of tokens keeps this file in
// step with it, whatever it does.
const SEPARATOR = '\u0000';
const PROBE: RenderedIssue = {
  subject: '',
  preheader: '',
  webHtml: '',
  emailHtml: TOKEN_LIST.join(SEPARATOR),
  emailText: TOKEN_LIST.join(SEPARATOR),
};
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ');

function tokenValues(r: MessageRecipient): { html: Map<string, string>; text: Map<string, string> } {
  const filled = personalize(PROBE, {
    name: r.name === null ? null : clean(r.name),
    unsubscribeUrl: r.unsubscribeUrl,
    preferencesUrl: r.preferencesUrl,
  });
  const html = filled.html.split(SEPARATOR);
  const text = filled.text.split(SEPARATOR);
  return { html: new Map(TOKEN_LIST.map((t, i) => [t, html[i] ?? ''])), text: new Map(TOKEN_LIST.map((t, i) => [t, text[i] ?? ''])) };
}

/** RFC 5322 date: `Mon, 15 Jul 2024 00:30:00 +0000`. */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** One issue's message for any number of recipients. */
export class IssueMessage {
  private readonly headNode = new MimeNode('multipart/alternative');
  private readonly staticHead: Buffer;
  private readonly textHead: Buffer;
  private readonly htmlHead: Buffer;
  private readonly closing: Buffer;
  private readonly text: Base64Template;
  private readonly html: Base64Template;
  private readonly envelopeFrom: string;

  constructor(
    rendered: RenderedIssue,
    private readonly list: ListSettings,
    opts: { subjectPrefix?: string } = {},
  ) {
    const boundary = `----=_digest_${randomBytes(12).toString('hex')}`;
    const header = (key: string, value: string) => foldLines(`${key}: ${value}`, 76) + CRLF;
    const encode = (key: string, value: string) => header(key, this.headNode.encodeHeaderValue(key, value));
    this.staticHead = Buffer.from(
      encode('From', list.from) +
        (list.replyTo ? encode('Reply-To', list.replyTo) : '') +
        encode('Subject', (opts.subjectPrefix ?? '') + rendered.subject) +
        'MIME-Version: 1.0' +
        CRLF +
        // Prepared: RFC 2919 wants the <list-id> bare, only the phrase encoded.
        `List-Id: ${listIdHeader(list.listId)}${CRLF}` +
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click' +
        CRLF +
        'Precedence: bulk' +
        CRLF +
        `Content-Type: multipart/alternative;${CRLF} boundary="${boundary}"${CRLF}`,
      'latin1',
    );
    const part = (type: string, params = '') =>
      Buffer.from(
        `--${boundary}${CRLF}Content-Type: ${type}; charset=utf-8${params}${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}`,
        'latin1',
      );
    // The text part is wrapped as format=flowed with DelSp=yes (render/text.ts): clients that know
    // RFC 3676 join the soft breaks without a space, so Chinese reflows on a phone.
    this.textHead = Buffer.concat([Buffer.from(CRLF), part('text/plain', '; format=flowed; delsp=yes')]);
    this.htmlHead = part('text/html');
    this.closing = Buffer.from(`--${boundary}--${CRLF}`, 'latin1');
    // Text in canonical form (RFC 2046: CRLF line ends); a flowed soft break is then `SP CRLF`.
    this.text = new Base64Template(rendered.emailText.replace(/\r?\n/g, CRLF));
    this.html = new Base64Template(rendered.emailHtml);
    this.envelopeFrom = bareAddress(list.from);
  }

  /** The message for one recipient, dated `date`. */
  forRecipient(r: MessageRecipient, date: Date): OutgoingMessage {
    const to = this.headNode.encodeHeaderValue('To', { name: r.name ? clean(r.name).trim() : '', address: r.email });
    const recipientHead =
      foldLines(`To: ${to}`, 76) +
      CRLF +
      `Message-ID: ${r.messageId}${CRLF}` +
      `Date: ${rfc5322Date(date)}${CRLF}` +
      // Both forms: mail clients use the https link (RFC 8058 one-click), others mail.
      `List-Unsubscribe: <${r.unsubscribeUrl}>,${CRLF} <mailto:${this.list.unsubscribeMailto}?subject=unsubscribe>${CRLF}`;
    const values = tokenValues(r);
    return new OutgoingMessage({ from: r.returnPath ?? this.envelopeFrom, to: r.email }, r.messageId, (w) => {
      w.bytes(this.staticHead);
      w.ascii(recipientHead);
      w.bytes(this.textHead);
      this.text.renderInto(values.text, w);
      w.bytes(this.htmlHead);
      this.html.renderInto(values.html, w);
      w.bytes(this.closing);
    });
  }
}
