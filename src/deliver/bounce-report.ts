/**
 * Reading one message of the bounce mailbox: a delivery status notification
 * (RFC 3464, `multipart/report; report-type=delivery-status`), a spam
 * complaint (ARF, RFC 5965, `report-type=feedback-report`), or one of the
 * common non-standard bounce texts (qmail, Exchange and webmail wordings, 退信).
 * What it yields is a classification and the keys that lead to a subscriber:
 * candidate VERP addresses and Message-IDs of the original message. Nothing
 * here trusts the report's claimed recipient; the caller maps keys through
 * signed VERP addresses and the delivery ledger.
 */
import { simpleParser } from 'mailparser';

/** What a report says. `temporary`: a delay or 4.x.x (never counted); `unknown`: not a bounce (an auto-reply, a person). */
export type ReportKind = 'bounce' | 'temporary' | 'complaint' | 'unknown';

/** One classified message. */
export interface BounceReport {
  kind: ReportKind;
  /** How it was recognised: `dsn`, `arf` or `text`. */
  format: 'dsn' | 'arf' | 'text' | null;
  /** The enhanced status code (5.1.1) when there is one. */
  status: string | null;
  /** The report's own Message-ID (reports seen before are not counted twice). */
  reportMessageId: string | null;
  /** Addresses the report was sent to or mentions, where a VERP return path may be. */
  addresses: string[];
  /** Message-IDs of the original message quoted in the report. */
  originalMessageIds: string[];
  /** A short human-readable reason (the diagnostic code or the feedback type). */
  detail: string | null;
}

const field = (text: string, name: string): string[] =>
  [...text.matchAll(new RegExp(`^${name}:[ \\t]*(.+(?:\\r?\\n[ \\t].+)*)`, 'gim'))].map((m) => m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim());

// Permanent failures as servers word them when they send no DSN (qmail, Exchange, webmail, Chinese providers).
const PERMANENT_TEXT =
  /(user unknown|unknown user|no such (user|mailbox|recipient)|does not exist|doesn't exist|mailbox (unavailable|not found|disabled)|invalid (recipient|mailbox|address)|recipient (address )?rejected|account (has been )?(disabled|closed)|address rejected|no mailbox here|用户不存在|收件人不存在|邮箱不存在|地址不存在)/i;
const BOUNCE_SUBJECT =
  /(undeliver|undelivered|returned mail|return(ed)? to sender|delivery (status notification|failure|has failed|failed)|mail delivery (failed|failure|subsystem)|failure notice|系统退信|退信|无法投递|投递失败)/i;
const TEMPORARY_TEXT = /(delayed|will (retry|try again)|temporar(y|ily)|deferred|greylist|try again later|延迟)/i;

/** Classify one raw message of the bounce mailbox. */
export async function readBounceReport(raw: Buffer | string): Promise<BounceReport> {
  const source = typeof raw === 'string' ? raw : raw.toString('latin1');
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const contentType = (mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined) ?? {};
  const reportType = contentType.value === 'multipart/report' ? (contentType.params?.['report-type'] ?? '').toLowerCase() : '';
  const headerAddresses = ['to', 'delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to', 'return-path']
    .flatMap((h) => {
      const v = mail.headers.get(h) as { value?: { address?: string }[]; text?: string } | string | undefined;
      if (!v) return [];
      if (typeof v === 'string') return [v];
      return v.value?.map((a) => a.address ?? '') ?? [v.text ?? ''];
    })
    .map((a) => a.replace(/^<|>$/g, '').trim())
    .filter(Boolean);
  // Every address-looking token in the source: VERP addresses also appear inside quoted originals.
  const addresses = [...new Set([...headerAddresses, ...[...source.matchAll(/[\w.+=-]+@[\w.-]+\.[a-z]{2,}/gi)].map((m) => m[0])])];
  const ownId = mail.messageId ?? null;
  const quoted = [...new Set([...source.matchAll(/^Message-ID:[ \t]*(?:\r?\n[ \t]+)?(<[^>\s]+>)/gim)].map((m) => m[1]!))].filter(
    (id) => id !== ownId,
  );
  const base = { reportMessageId: ownId, addresses, originalMessageIds: quoted };

  if (reportType === 'feedback-report' || /^Feedback-Type:/im.test(source)) {
    const type = field(source, 'Feedback-Type')[0] ?? 'abuse';
    // `not-spam` is the opposite of a complaint.
    const kind: ReportKind = /^not-spam$/i.test(type) ? 'unknown' : 'complaint';
    return { ...base, kind, format: 'arf', status: null, detail: `feedback-type ${type}` };
  }
  if (reportType === 'delivery-status' || /^Reporting-MTA:/im.test(source)) {
    const actions = field(source, 'Action').map((a) => a.toLowerCase());
    const statuses = field(source, 'Status').filter((s) => /^\d\.\d{1,3}\.\d{1,3}/.test(s));
    const diagnostic = field(source, 'Diagnostic-Code')[0] ?? null;
    const permanent = statuses.find((s) => s.startsWith('5'));
    if (permanent && (actions.includes('failed') || !actions.length))
      return { ...base, kind: 'bounce', format: 'dsn', status: permanent.split(/\s/)[0]!, detail: diagnostic ?? `status ${permanent}` };
    const status = statuses[0]?.split(/\s/)[0] ?? null;
    const kind: ReportKind = actions.some((a) => a === 'delayed' || a === 'failed') || status?.startsWith('4') ? 'temporary' : 'unknown';
    return { ...base, kind, format: 'dsn', status, detail: diagnostic };
  }
  const from = (mail.from?.value[0]?.address ?? '').toLowerCase();
  const looksLikeBounce = BOUNCE_SUBJECT.test(mail.subject ?? '') || /^(mailer-daemon|postmaster)@/.test(from);
  if (!looksLikeBounce) return { ...base, kind: 'unknown', format: null, status: null, detail: null };
  const text = mail.text ?? '';
  const enhanced = /(?:^|[\s(#])([45])\.(\d{1,3})\.(\d{1,3})\b/m.exec(text);
  const smtp = /\b(5[0-5]\d)\b/.exec(text);
  const status = enhanced ? `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}` : null;
  const line =
    text
      .split('\n')
      .find((l) => PERMANENT_TEXT.test(l) || /\b5\d\d\b/.test(l))
      ?.trim()
      .slice(0, 300) ?? null;
  if (status?.startsWith('5') || (smtp && PERMANENT_TEXT.test(text)) || (!status && PERMANENT_TEXT.test(text)))
    return { ...base, kind: 'bounce', format: 'text', status: status ?? (smtp ? smtp[1]! : null), detail: line };
  if (status?.startsWith('4') || TEMPORARY_TEXT.test(text)) return { ...base, kind: 'temporary', format: 'text', status, detail: line };
  return { ...base, kind: 'unknown', format: 'text', status, detail: line };
}
