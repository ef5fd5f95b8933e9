/**
 * The SMTP transport: nodemailer's SMTP client (SMTPConnection: STARTTLS or
 * implicit TLS, authentication), its URL parser and DKIM signer, with one
 * persistent connection per send worker — N workers, N connections.
 *
 * Why not nodemailer's own pool (createTransport({ pool: true }))? Its queue
 * re-queues a message whose connection dropped (GUIDE.md pitfalls: #1105), a
 * second retry policy behind the ledger's back; and for a message that is
 * already composed, its Mailer/MailComposer/MimeNode layers cost about 0.6 ms
 * of CPU per message, a third of a send's CPU (bench/send.bench.ts). Here a
 * worker owns its connection: what it sends is exactly what the ledger says
 * is in flight, and a failure is reported once, to the send loop, which alone
 * decides about retries.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.ts';
import type { OutgoingMessage } from './mime.ts';
import type { Messenger, SendOutcome } from './messenger.ts';
import { DKIM, parseConnectionUrl, SMTPConnection } from './nodemailer.ts';

/** SMTP settings from `delivery.smtp`. */
export interface SmtpSettings {
  url: string;
  /** Keep connections open across messages (false: a new connection per message, one at a time). */
  pool: boolean;
  maxConnections: number;
  /** Messages over one connection before it is reopened. */
  maxMessages?: number;
  requireTLS?: boolean;
  tlsRejectUnauthorized?: boolean;
  /** `privateKey` is a PEM key or the path of a PEM file. */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

/** RFC 8058 requires List-Unsubscribe-Post to be signed; nodemailer's default list omits it. */
export const DKIM_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post';

/** The error fields nodemailer sets that tell what went wrong where. */
export interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

/** Codes that mean no message can go out until the configuration changes. */
const FATAL_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG']);

/**
 * Classify a failed SMTP send. 5xx is permanent (503, a wrong command order,
 * is not); a refused sender or login is fatal for the whole run; everything
 * else — 4xx, dropped or refused connections, timeouts — is temporary.
 * `bounce`: the refusal is about the recipient's address (at RCPT TO, or an
 * enhanced status 5.1.x), so it counts towards marking them bounced.
 */
export function classifySmtpError(err: SmtpErrorLike): Exclude<SendOutcome, { ok: true }> {
  // nodemailer's messages end with the server's reply ("Invalid login: 535 …"); they say what was attempted.
  const text = err.message || err.response || err.code || 'unknown SMTP error';
  const code = err.responseCode;
  if (err.code && FATAL_CODES.has(err.code)) return { ok: false, kind: 'fatal', error: text, bounce: false };
  const permanent = typeof code === 'number' && code >= 500 && code < 600 && code !== 503;
  if (permanent && err.command === 'MAIL FROM')
    return { ok: false, kind: 'fatal', error: `the server refuses the sender: ${text}`, bounce: false };
  if (permanent) {
    const bounce = err.command === 'RCPT TO' || /^5\d\d[ -]5\.1\.\d/.test(err.response ?? '');
    return { ok: false, kind: 'permanent', error: text, bounce };
  }
  // A reply to this recipient's envelope or message (451 greylisting, 452, even 421 at RCPT) is about them;
  // no reply at all, or a failure while connecting, is about the server (see SendOutcome.connection).
  const aboutRecipient = typeof code === 'number' && RECIPIENT_COMMANDS.has(err.command ?? '');
  return { ok: false, kind: 'temporary', error: text, bounce: false, connection: !aboutRecipient };
}

/** Commands whose reply concerns one message or recipient, not the connection. */
const RECIPIENT_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA', 'RSET']);

/** The DKIM private key: inline PEM, or read from the file it names. */
function dkimKey(value: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `delivery.smtp.dkim.privateKey: cannot read "${value}": ${(err as Error).message}`,
      'give the PEM key itself (from the environment) or the path of a PEM file',
    );
  }
}

type ConnectionOptions = ConstructorParameters<typeof SMTPConnection>[0];
type Auth = { user: string; pass: string };

/** One connection, used by one worker at a time. */
class Connection {
  private readonly conn: SMTPConnection;
  private alive = true;
  messages = 0;
  /** The buffer this connection's messages are written into, reused: a message is fully written once its reply came. */
  scratch: Buffer = Buffer.alloc(0);

  constructor(options: ConnectionOptions) {
    this.conn = new SMTPConnection(options);
    // A connection error surfaces in connect() or send() as well; this listener
    // only notes that the connection is gone (an unheard 'error' would crash).
    this.conn.on('error', () => (this.alive = false));
    this.conn.on('end', () => (this.alive = false));
  }

  get usable(): boolean {
    return this.alive;
  }

  /** Connect (upgrading with STARTTLS when offered or required) and log in. */
  open(auth: Auth | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error | null) => {
        if (settled) return;
        settled = true;
        this.conn.off('error', finish);
        this.conn.off('end', closed);
        if (!err) return resolve();
        this.alive = false;
        this.conn.close();
        reject(err);
      };
      const closed = () => finish(Object.assign(new Error('the server closed the connection'), { code: 'ECONNECTION' }));
      this.conn.once('error', finish);
      this.conn.once('end', closed);
      this.conn.connect((err) => {
        if (err) return finish(err);
        // Like nodemailer's transports: log in when the server offers AUTH.
        if (auth && this.conn.allowsAuth) this.conn.login(auth, (e) => finish(e));
        else finish();
      });
    });
  }

  /** One SMTP transaction. After a refused envelope or message the session is reset for the next one. */
  deliver(envelope: { from: string; to: string }, input: Buffer | NodeJS.ReadableStream): Promise<SendOutcome> {
    return new Promise((resolve) => {
      this.conn.send({ from: envelope.from, to: [envelope.to] }, input as Buffer, (err, info) => {
        if (!err) {
          this.messages++;
          return resolve({ ok: true, response: info?.response ?? '' });
        }
        const outcome = classifySmtpError(err as SmtpErrorLike);
        // The server greeted us and then answered this transaction (nodemailer reports a 421 at RCPT TO
        // as a closed connection): a reply about this recipient, not a server that is down.
        if (!outcome.ok && typeof (err as SmtpErrorLike).responseCode === 'number') outcome.connection = false;
        const refusal = (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') && (err as SmtpErrorLike).responseCode !== 421;
        if (!refusal || !this.alive) {
          this.alive = false;
          this.conn.close();
          return resolve(outcome);
        }
        this.conn.reset((resetErr) => {
          if (resetErr) {
            this.alive = false;
            this.conn.close();
          }
          resolve(outcome);
        });
      });
    });
  }

  quit(): void {
    if (this.alive) this.conn.quit();
    else this.conn.close();
    this.alive = false;
  }
}

/** A Messenger over SMTP. */
export class SmtpMessenger implements Messenger {
  readonly description: string;
  readonly concurrency: number;
  private readonly options: ConnectionOptions;
  private readonly auth: Auth | undefined;
  private readonly maxMessages: number;
  private readonly dkim: DKIM | null;
  private readonly idle: Connection[] = [];

  constructor(settings: SmtpSettings) {
    let url: URL;
    try {
      url = new URL(settings.url);
    } catch {
      throw new ConfigError(
        `delivery.smtp.url: "${settings.url.replace(/\/\/[^@/]*@/, '//…@')}" is not a URL`,
        'write smtp://user:pass@host:587 or smtps://user:pass@host:465',
      );
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
      throw new ConfigError(
        `delivery.smtp.url: the scheme must be smtp: or smtps:, not ${url.protocol}`,
        'write smtp://user:pass@host:587 or smtps://user:pass@host:465',
      );
    }
    // Never show credentials in summaries.
    this.description = `${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'smtps:' ? 465 : 587)}`;
    // Query parameters (e.g. ?name=mail.example.org&socketTimeout=60000) become connection options, as in nodemailer.
    const { auth, tls, ...parsed } = parseConnectionUrl(settings.url) as ConnectionOptions & { auth?: Auth; tls?: object };
    this.auth = auth && (auth.user || auth.pass) ? auth : undefined;
    this.options = {
      ...parsed,
      requireTLS: settings.requireTLS ?? false,
      tls: { rejectUnauthorized: settings.tlsRejectUnauthorized ?? true, ...tls },
    };
    this.concurrency = settings.pool ? settings.maxConnections : 1;
    this.maxMessages = settings.pool ? (settings.maxMessages ?? 100) : 1;
    this.dkim = settings.dkim
      ? new DKIM({ ...settings.dkim, privateKey: dkimKey(settings.dkim.privateKey), headerFieldNames: DKIM_HEADERS })
      : null;
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    let connection = this.idle.pop();
    // The server may have closed an idle connection (a long rate-limit wait).
    while (connection && !connection.usable) connection = this.idle.pop();
    if (!connection) {
      connection = new Connection(this.options);
      try {
        await connection.open(this.auth);
      } catch (err) {
        return classifySmtpError(err as SmtpErrorLike);
      }
    }
    const { bytes, scratch } = message.into(connection.scratch);
    connection.scratch = scratch;
    const outcome = await connection.deliver(message.envelope, this.dkim ? this.dkim.sign(bytes) : bytes);
    if (connection.usable && connection.messages < this.maxMessages) this.idle.push(connection);
    else connection.quit();
    return outcome;
  }

  async close(): Promise<void> {
    for (const connection of this.idle.splice(0)) connection.quit();
  }
}
