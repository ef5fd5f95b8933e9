/**
 * The send step: the stored issue to every active subscriber that has not had
 * it, under the issue's send lock. nodemailer loads only here, when a send
 * actually starts (commands that never send do not load it).
 */
import { resolve } from 'node:path';
import {
  acquireSendLock,
  loadMail,
  preferencesUrl,
  sendIssue,
  serviceBase,
  signedUnsubscribeUrl,
  unsubscribeEndpoint,
  verpAddress,
  type Messenger,
  type SendTotals,
} from '../deliver/index.ts';
import { DigestError } from '../errors.ts';
import { missingIssueFiles } from '../publish/index.ts';
import { loadTemplates } from '../render/index.ts';
import { fromDomain, listSettings, requireStrongSecretForSmtp, type Context } from './context.ts';
import { publishStep } from './publish.ts';
import { renderedParts } from './render.ts';
import { prepareVariants } from './variants.ts';

/**
 * A send whose lease was taken over (the process was stopped past the lease,
 * SIGSTOP or a frozen VM, and another send went on) must not end like a send
 * stopped on request: exit non-zero and say so. The other process finishes
 * the issue; the ledger keeps both from sending anyone twice.
 */
export function checkNotTakenOver(lost: AbortSignal, requested: AbortSignal | undefined, date: string, submitted: number): void {
  if (lost.aborted && !requested?.aborted) {
    throw new DigestError(
      `sending the issue of ${date} was taken over by another process while this one was stopped (its lease ran out); this process submitted ${submitted} and stopped`,
      'nothing is lost: the other process carries on with the rest; digest status shows its progress',
    );
  }
}

/** Summary of a send. */
export interface SendSummary extends SendTotals {
  date: string;
  transport: string;
  /** Distinct issues the subscribers get (one per effective set of chosen sections), and how many of them were rendered by this send (0: all from the build). */
  variants: { count: number; rendered: number };
}

/**
 * Send the issue of `date` to every active subscriber that has not had it.
 * `signal` stops it after the recipients in flight, which are recorded; a
 * transport that cannot send at all (login refused, server unreachable) ends
 * it with an error, the rest left pending for the next `digest send`.
 */
export async function sendStep(
  ctx: Context,
  date: string,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<SendSummary> {
  const { config, store } = ctx;
  requireStrongSecretForSmtp(config, 'sending over SMTP');
  const stored = store.issues.get(date);
  if (!stored) throw new DigestError(`no issue for ${date}`, `build it first: digest build --date ${date}`);
  const templates = loadTemplates(resolve(config.render.templates));
  const rendered = await renderedParts(ctx, stored.issue, templates);
  const prepared = await prepareVariants(ctx, stored.issue, templates);
  // Mail links to the web version: never send while its files are missing (publishing failed, e.g. a full
  // disk); publishing again here is what makes a later run recover. With approval the send is what publishes.
  if (stored.status !== 'sent' && (config.schedule.requireApproval || missingIssueFiles(resolve(config.output.dir), date).length))
    publishStep(ctx, stored.issue, rendered, templates);
  const lock = acquireSendLock(store.locks, date);
  let messenger: Messenger | undefined;
  try {
    const { IssueMessage, VariantMessages, createMessenger } = await loadMail();
    messenger = createMessenger(config.delivery, config.output.dir);
    const d = config.delivery;
    const endpoint = unsubscribeEndpoint(config.publication.baseUrl, d.unsubscribeUrl);
    const list = listSettings(config);
    const full = new IssueMessage(rendered, list);
    const byKey = new Map([...prepared.renders].map(([key, parts]) => [key, new IssueMessage(parts, list)]));
    const byChoice = new Map([...prepared.byChoice].map(([choice, key]) => [choice, key ? (byKey.get(key) ?? full) : null]));
    const base = serviceBase(endpoint);
    const totals = await sendIssue(
      {
        issueDate: date,
        message: new VariantMessages(full, byChoice),
        unsubscribeUrl: (id, email) => signedUnsubscribeUrl(endpoint, d.unsubscribeSecret, id, email),
        preferencesUrl: (id, email) => preferencesUrl(base, d.unsubscribeSecret, id, email),
        returnPath: d.returnPath ? (id) => verpAddress(d.returnPath!, d.unsubscribeSecret, id) : undefined,
        messageIdDomain: fromDomain(config),
        bounceAfter: d.bounceAfter,
        concurrency: messenger.concurrency,
        retries: d.retries,
        retryDelayMs: d.retryDelaySeconds * 1000,
        ratePerSecond: d.smtp?.ratePerSecond,
        ratePerHour: d.smtp?.ratePerHour,
        transport: messenger.description,
        now: ctx.now,
        signal: signal ? AbortSignal.any([signal, lock.lost]) : lock.lost,
        onProgress,
      },
      { deliveries: store.deliveries, subscribers: store.subscribers, messenger },
    );
    // Even a run that found nothing left may have been stopped and overtaken: say so rather than "completed".
    lock.verify();
    checkNotTakenOver(lock.lost, signal, date, totals.submitted);
    if (totals.status === 'completed') store.issues.setStatus(date, 'sent', ctx.now().toISOString());
    if (totals.status === 'aborted') {
      throw new DigestError(
        `sending the issue of ${date} via ${messenger.description} stopped: ${totals.error}`,
        `${totals.submitted} submitted, ${totals.remaining} left pending (nobody was marked failed for this); fix the cause, then digest send --issue ${date} resumes`,
      );
    }
    return { date, transport: messenger.description, ...totals, variants: { count: prepared.variants, rendered: prepared.rendered } };
  } finally {
    await messenger?.close();
    lock.release();
  }
}
