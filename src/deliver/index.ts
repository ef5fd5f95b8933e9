/**
 * The deliver stage's entry module: what other stages may use. Sending an
 * issue exactly once (send.ts), the per-issue send lock, unsubscribe links,
 * and — loaded on demand, because it pulls in nodemailer — message
 * composition and the transports (mail.ts).
 */
export {
  catalogueLanguage,
  loadSubscriptionTemplates,
  type Messages,
  type SubscriptionPage,
  type SubscriptionTemplates,
} from './catalogue.ts';
export {
  confirmUrl,
  preferencesUrl,
  readConfirmParams,
  readPreferencesParams,
  readVerpAddress,
  serviceBase,
  signFields,
  verifyFields,
  verpAddress,
} from './links.ts';
export { acquireSendLock, type SendLock } from './lock.ts';
export type { ListSettings, MessageRecipient } from './message.ts';
export type { MessageKey, Messenger, SendOutcome } from './messenger.ts';
export type { SubscriptionMailKind, SubscriptionMailRequest } from './subscription-mail.ts';
export type { BounceTotals } from './bounces.ts';
export { type BatchTotals, sendBatch, sendIssue, type SendOptions, type SendPacer, type SendTotals } from './send.ts';
export { type PacerClock, SharedRateLimiter } from './shared-rate.ts';
export type { JobQueueSettings, JobState, SendJob, SendJobQueue, TakenJob } from './jobs.ts';
export { abortableSleep } from './rate.ts';
export {
  DEFAULT_UNSUBSCRIBE_SECRET,
  readUnsubscribeParams,
  secretWeakness,
  signedUnsubscribeUrl,
  unsubscribeEndpoint,
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from './unsubscribe.ts';

/** Message composition and the transports (SMTP or outbox); a dynamic import, so nodemailer loads only to send. */
export function loadMail(): Promise<typeof import('./mail.ts')> {
  return import('./mail.ts');
}

/** The send job queue on PostgreSQL (pg-boss); a dynamic import, so pg-boss loads only where sends go through it. */
export function loadJobs(): Promise<typeof import('./jobs.ts')> {
  return import('./jobs.ts');
}

/** Reading the bounce mailbox over IMAP; a dynamic import, so imapflow loads only for `digest bounces`. */
export function loadBounces(): Promise<typeof import('./bounces.ts')> {
  return import('./bounces.ts');
}
