/**
 * What every send of an issue needs, whoever sends it (one process, or the
 * workers of the job queue): the composed message per subscriber and the
 * links, and the error of a send the transport stopped.
 */
import { resolve } from 'node:path';
import {
  loadMail,
  preferencesUrl,
  serviceBase,
  signedUnsubscribeUrl,
  unsubscribeEndpoint,
  verpAddress,
  type SendOptions,
  type SendTotals,
} from '../deliver/index.ts';
import { DigestError } from '../errors.ts';
import { missingIssueFiles } from '../publish/index.ts';
import { loadTemplates } from '../render/index.ts';
import { fromDomain, listSettings, requireStrongSecretForSmtp, type Context } from './context.ts';
import { publishStep } from './publish.ts';
import { renderedParts } from './render.ts';
import { prepareVariants } from './variants.ts';

/** Summary of a send. */
export interface SendSummary extends SendTotals {
  date: string;
  transport: string;
  /** Distinct issues the subscribers get (one per effective set of chosen sections), and how many of them were rendered by this send (0: all from the build). */
  variants: { count: number; rendered: number };
  /** Sent through the job queue (PostgreSQL store): jobs created and given back by this send, and whether it waited for the workers. */
  queue?: { created: number; requeued: number; waited: boolean };
}

/** What every send of an issue needs, whoever sends it: the message per subscriber and the links. */
export interface PreparedSend {
  /** The options of sendIssue/sendBatch that depend on the issue and the configuration only. */
  options: Omit<SendOptions, 'concurrency' | 'transport' | 'signal' | 'onProgress' | 'now'>;
  variants: { count: number; rendered: number };
}

/**
 * Compose the stored issue of `date` for sending (once per issue and variant).
 * `publish`: make sure the web version exists first (the one who starts a
 * send does; a worker taking a job of it does not).
 */
export async function prepareSend(ctx: Context, date: string, opts: { publish: boolean }): Promise<PreparedSend> {
  const { config, store } = ctx;
  requireStrongSecretForSmtp(config, 'sending over SMTP');
  const stored = store.issues.get(date);
  if (!stored) throw new DigestError(`no issue for ${date}`, `build it first: digest build --date ${date}`);
  const templates = loadTemplates(resolve(config.render.templates));
  const rendered = await renderedParts(ctx, stored.issue, templates);
  const prepared = await prepareVariants(ctx, stored.issue, templates);
  // Mail links to the web version: never send while its files are missing (publishing failed, e.g. a full
  // disk); publishing again here is what makes a later run recover. With approval the send is what publishes.
  if (
    opts.publish &&
    stored.status !== 'sent' &&
    (config.schedule.requireApproval || missingIssueFiles(resolve(config.output.dir), date).length)
  )
    publishStep(ctx, stored.issue, rendered, templates);
  const { IssueMessage, VariantMessages } = await loadMail();
  const d = config.delivery;
  const endpoint = unsubscribeEndpoint(config.publication.baseUrl, d.unsubscribeUrl);
  const list = listSettings(config);
  const full = new IssueMessage(rendered, list);
  const byKey = new Map([...prepared.renders].map(([key, parts]) => [key, new IssueMessage(parts, list)]));
  const byChoice = new Map([...prepared.byChoice].map(([choice, key]) => [choice, key ? (byKey.get(key) ?? full) : null]));
  const base = serviceBase(endpoint);
  return {
    options: {
      issueDate: date,
      message: new VariantMessages(full, byChoice),
      unsubscribeUrl: (id, email) => signedUnsubscribeUrl(endpoint, d.unsubscribeSecret, id, email),
      preferencesUrl: (id, email) => preferencesUrl(base, d.unsubscribeSecret, id, email),
      returnPath: d.returnPath ? (id) => verpAddress(d.returnPath!, d.unsubscribeSecret, id) : undefined,
      messageIdDomain: fromDomain(config),
      bounceAfter: d.bounceAfter,
      retries: d.retries,
      retryDelayMs: d.retryDelaySeconds * 1000,
      ratePerSecond: d.smtp?.ratePerSecond,
      ratePerHour: d.smtp?.ratePerHour,
    },
    variants: { count: prepared.variants, rendered: prepared.rendered },
  };
}

/** The error of a send the transport stopped (login refused, server down): nobody was marked failed for it. */
export function sendAborted(
  date: string,
  transport: string,
  totals: { error: string | null; submitted: number; remaining: number },
): DigestError {
  return new DigestError(
    `sending the issue of ${date} via ${transport} stopped: ${totals.error}`,
    `${totals.submitted} submitted, ${totals.remaining} left pending (nobody was marked failed for this); fix the cause, then digest send --issue ${date} resumes`,
  );
}
