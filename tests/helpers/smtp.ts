/**
 * A real SMTP server for tests (smtp-server), on a free loopback port. It
 * parses what arrives with mailparser and can inject failures per recipient.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One received message. */
export interface Received {
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

/** What the server answers for a recipient: accept, or an SMTP error code with a message. */
export type RecipientRule = (address: string, attempt: number) => 'accept' | { code: number; message: string } | 'disconnect';

/** A running test SMTP server. */
export interface TestSmtp {
  port: number;
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** Start an SMTP server on 127.0.0.1 with an ephemeral port. */
export async function startSmtp(rule: RecipientRule = () => 'accept'): Promise<TestSmtp> {
  const received: Received[] = [];
  const attempts = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, session: SMTPServerSession, cb) {
      const n = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, n);
      const r = rule(address.address, n);
      if (r === 'accept') return cb();
      if (r === 'disconnect') {
        // Drop the connection mid-transaction, as a crashing server would.
        (session as unknown as { _socket?: { destroy(): void } })._socket?.destroy();
        return;
      }
      const err = Object.assign(new Error(r.message), { responseCode: r.code });
      cb(err);
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, parsed: await simpleParser(raw) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
