/**
 * `digest bounces`: bounces and complaints that arrive after the send, read
 * from a mailbox over IMAP (imapflow). Each message is classified
 * (bounce-report.ts) and mapped to a subscriber by a signed VERP address or
 * by the Message-ID the delivery ledger recorded; a permanent bounce counts
 * towards `delivery.bounceAfter` like a 5xx at send time, a complaint marks
 * the subscriber `complained` (never mailed again). Recognised messages are
 * moved to the processed folder; anything else (auto-replies, people
 * writing) stays for a human to read. A report seen before (same Message-ID)
 * is never counted twice, so a move that failed does no harm on the next run.
 */
import { ImapFlow } from 'imapflow';
import type { DeliveryRepository, SubscriberRepository } from '../store/index.ts';
import { readBounceReport, type BounceReport } from './bounce-report.ts';
import { readVerpAddress } from './links.ts';

/** Where the mailbox is. */
export interface BounceMailbox {
  /** imap://user:pass@host[:port]/MAILBOX or imaps://… (default mailbox INBOX). */
  url: string;
  processedFolder: string;
  tlsRejectUnauthorized: boolean;
}

/** What mapping needs. */
export interface BounceDeps {
  subscribers: SubscriberRepository;
  deliveries: DeliveryRepository;
  secret: string;
  /** `delivery.returnPath` (VERP template), when set. */
  returnPath?: string;
  bounceAfter: number;
  now: () => Date;
  log?: (line: string) => void;
}

/** Totals of one run. */
export interface BounceTotals {
  read: number;
  bounces: number;
  complaints: number;
  temporary: number;
  /** Recognised, but no subscriber could be found (unsigned or unknown keys). */
  unmatched: number;
  /** Not bounces or complaints: left in the mailbox. */
  ignored: number;
  /** Reports seen in an earlier run (not counted again). */
  repeated: number;
  /** Subscribers that became bounced or complained in this run. */
  newlyBounced: number;
  newlyComplained: number;
  moved: number;
}

/** The subscriber a report is about: a signed VERP address first, then a Message-ID from the ledger. */
export function subscriberOf(report: BounceReport, deps: Pick<BounceDeps, 'deliveries' | 'secret' | 'returnPath'>): number | null {
  if (deps.returnPath) {
    for (const a of report.addresses) {
      const id = readVerpAddress(deps.returnPath, deps.secret, a);
      if (id !== null) return id;
    }
  }
  for (const mid of report.originalMessageIds) {
    const d = deps.deliveries.byMessageId(mid);
    if (d) return d.subscriberId;
  }
  return null;
}

/** Apply one report to the store; what it did. */
export function applyReport(report: BounceReport, deps: BounceDeps): keyof BounceTotals {
  if (report.kind === 'unknown') return 'ignored';
  const id = subscriberOf(report, deps);
  const now = deps.now().toISOString();
  const fresh = deps.subscribers.addBounceReport(
    { subscriberId: id, kind: report.kind, status: report.status, detail: report.detail, reportMessageId: report.reportMessageId },
    now,
  );
  if (!fresh) return 'repeated';
  if (id === null) return 'unmatched';
  const before = deps.subscribers.byId(id)?.status;
  if (!before) return 'unmatched';
  if (report.kind === 'complaint') {
    deps.subscribers.markComplained(id, now);
    deps.log?.(`bounces: subscriber ${id} complained (${report.detail ?? 'ARF'}); never mailed again`);
    return before === 'complained' ? 'complaints' : 'newlyComplained';
  }
  if (report.kind === 'bounce') {
    const after = deps.subscribers.recordFailure(id, deps.bounceAfter, now);
    deps.log?.(`bounces: subscriber ${id} bounced ${report.status ?? ''} ${report.detail ?? ''}`.trim());
    return before !== 'bounced' && after === 'bounced' ? 'newlyBounced' : 'bounces';
  }
  return 'temporary';
}

function connection(url: string, tlsRejectUnauthorized: boolean): { client: ImapFlow; mailbox: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('delivery.bounces.imap.url is not a URL: write imaps://user:pass@host/INBOX');
  }
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw new Error(`delivery.bounces.imap.url: ${u.protocol} is not imap: or imaps:`);
  const secure = u.protocol === 'imaps:';
  const client = new ImapFlow({
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
    tls: { rejectUnauthorized: tlsRejectUnauthorized },
  });
  return { client, mailbox: decodeURIComponent(u.pathname.replace(/^\/+/, '')) || 'INBOX' };
}

/** Read the bounce mailbox once: classify, apply, move what was recognised. */
export async function processBounces(box: BounceMailbox, deps: BounceDeps): Promise<BounceTotals> {
  const totals: BounceTotals = {
    read: 0,
    bounces: 0,
    complaints: 0,
    temporary: 0,
    unmatched: 0,
    ignored: 0,
    repeated: 0,
    newlyBounced: 0,
    newlyComplained: 0,
    moved: 0,
  };
  const { client, mailbox } = connection(box.url, box.tlsRejectUnauthorized);
  client.on('error', (err: Error) => deps.log?.(`bounces: IMAP error: ${err.message}`));
  await client.connect();
  try {
    const folders = await client.list();
    if (!folders.some((f) => f.path === box.processedFolder)) await client.mailboxCreate(box.processedFolder);
    const lock = await client.getMailboxLock(mailbox);
    try {
      const exists = client.mailbox ? client.mailbox.exists : 0;
      const done: number[] = [];
      if (exists > 0) {
        // Fetch first, act after: no other IMAP command may run while a FETCH streams.
        const messages: { uid: number; source: Buffer }[] = [];
        for await (const m of client.fetch('1:*', { uid: true, source: true }))
          if (m.source) messages.push({ uid: m.uid, source: m.source });
        for (const m of messages) {
          totals.read++;
          const outcome = applyReport(await readBounceReport(m.source), deps);
          if (outcome === 'newlyBounced') totals.bounces++;
          if (outcome === 'newlyComplained') totals.complaints++;
          totals[outcome]++;
          if (outcome !== 'ignored') done.push(m.uid);
        }
      }
      if (done.length) {
        await client.messageMove(done.join(','), box.processedFolder, { uid: true });
        totals.moved = done.length;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return totals;
}
