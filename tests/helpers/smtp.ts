/**
 * A real SMTP server for tests (smtp-server), on a free loopback port. It
 * parses what it accepts with mailparser, keeps the Message-IDs each recipient
 * received, and can inject failures: per recipient at RCPT TO (4xx/5xx, or a
 * dropped connection) and per message after DATA (an error, a dropped
 * connection, or holding the reply forever — a server that has the message
 * but has not said 250, as when a client is killed mid-transaction).
 * Optionally it requires authentication, offers STARTTLS or speaks TLS from
 * the start (smtp-server's built-in self-signed certificate).
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One accepted message. */
export interface Received {
  envelopeTo: string[];
  raw: string;
  /** Parsed with mailparser (null when the server was started with `parse: false`). */
  parsed: ParsedMail;
  messageId: string | null;
  /** The connection was encrypted (STARTTLS or implicit TLS). */
  secure: boolean;
  /** The authenticated user, if any. */
  user: string | null;
}

/** The answer to RCPT TO: accept, an SMTP error, or drop the connection without a reply. */
export type RcptAnswer = 'accept' | { code: number; message: string } | 'disconnect';
/** The answer after DATA: accept (250), an SMTP error, drop the connection, or never answer. */
export type DataAnswer = RcptAnswer | 'hold';
/** Decides RCPT TO per address; `attempt` counts the tries of that address, from 1. */
export type RecipientRule = (address: string, attempt: number) => RcptAnswer;
/** Decides after DATA; `n` counts the messages that reached the end of DATA, from 1. */
export type DataRule = (message: { to: string; messageId: string | null; n: number }) => DataAnswer;

export interface SmtpOptions {
  rcpt?: RecipientRule;
  data?: DataRule;
  /** Parse accepted messages with mailparser (default true). */
  parse?: boolean;
  /** Require this login (over TLS). */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS (default: off, plain SMTP). */
  starttls?: boolean;
  /** TLS from the start (smtps). */
  secure?: boolean;
  /** Called for every accepted message, right after the 250 was sent. */
  onAccepted?: (message: Received) => void;
}

/** A running test SMTP server. */
export interface TestSmtp {
  port: number;
  url: string;
  /** Accepted messages (250 sent), in order. */
  received: Received[];
  /** Message-IDs of messages whose reply is being held. */
  held: string[];
  /** Answer every held message now: accept it (250, counted as received) or drop its connection. */
  releaseHeld(answer: 'accept' | 'disconnect'): void;
  /** The rules can be changed while it runs. */
  options: SmtpOptions;
  /** Message-IDs accepted per recipient. */
  messageIdsByRecipient(): Map<string, string[]>;
  /** Resolve once `predicate` holds (polled), or reject after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface ConnectionLike {
  id: string;
  _socket: Socket;
}

/** Start an SMTP server on 127.0.0.1 with an ephemeral port. A function argument is the RCPT TO rule. */
export async function startSmtp(opts: SmtpOptions | RecipientRule = {}): Promise<TestSmtp> {
  const options: SmtpOptions = typeof opts === 'function' ? { rcpt: opts } : opts;
  const received: Received[] = [];
  const held: string[] = [];
  const attempts = new Map<string, number>();
  const waiting: ((answer: 'accept' | 'disconnect') => void)[] = [];
  let arrived = 0;

  // smtp-server keeps its connections in a Set; the session id names one.
  const drop = (session: SMTPServerSession) => {
    const connections = (server as unknown as { connections: Set<ConnectionLike> }).connections;
    for (const c of connections) if (c.id === session.id) c._socket.destroy();
  };

  const server = new SMTPServer({
    logger: false,
    secure: !!options.secure,
    disabledCommands: [...(options.starttls || options.secure ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    authMethods: ['PLAIN', 'LOGIN'],
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, cb) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass)
        return cb(null, { user: auth.username });
      cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, session, cb) {
      const n = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, n);
      const answer = options.rcpt?.(address.address, n) ?? 'accept';
      if (answer === 'accept') return cb();
      if (answer === 'disconnect') return drop(session);
      cb(Object.assign(new Error(answer.message), { responseCode: answer.code }));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? null;
        const to = session.envelope.rcptTo.map((r) => r.address);
        const answer = options.data?.({ to: to[0] ?? '', messageId, n: ++arrived }) ?? 'accept';
        if (answer === 'hold') {
          held.push(messageId ?? '');
          return void waiting.push((late) => (late === 'accept' ? accept() : drop(session)));
        }
        if (answer === 'disconnect') return drop(session);
        if (answer !== 'accept') return cb(Object.assign(new Error(answer.message), { responseCode: answer.code }));
        await accept();
        async function accept() {
          const message: Received = {
            envelopeTo: to,
            raw,
            parsed: (options.parse === false ? null : await simpleParser(raw)) as ParsedMail,
            messageId,
            secure: !!session.secure,
            user: (session.user as string | undefined) ?? null,
          };
          cb();
          received.push(message);
          options.onAccepted?.(message);
        }
      });
    },
  });
  // A client that is killed or drops its connection makes smtp-server emit ECONNRESET: expected here.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `${options.secure ? 'smtps' : 'smtp'}://127.0.0.1:${port}`,
    received,
    held,
    releaseHeld(answer) {
      for (const answerOne of waiting.splice(0)) answerOne(answer);
    },
    options,
    messageIdsByRecipient() {
      const out = new Map<string, string[]>();
      for (const m of received) for (const to of m.envelopeTo) out.set(to, [...(out.get(to) ?? []), m.messageId ?? '']);
      return out;
    },
    async waitFor(predicate, timeoutMs = 60_000) {
      const start = Date.now();
      while (!predicate()) {
        if (Date.now() - start > timeoutMs) throw new Error(`test SMTP server: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close() {
      // Drop clients first: smtp-server otherwise waits up to 30 s for them.
      for (const c of (server as unknown as { connections: Set<ConnectionLike> }).connections) c._socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
