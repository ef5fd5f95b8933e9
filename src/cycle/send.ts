/**
 * The send step: the stored issue to every active subscriber that has not had
 * it, under the issue's send lock. nodemailer loads only here, when a send
 * actually starts (commands that never send do not load it).
 */
import { acquireSendLock, loadMail, sendIssue, type Messenger } from '../deliver/index.ts';
import { DigestError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Context } from './context.ts';
import { prepareSend, sendAborted, type SendSummary } from './send-prepare.ts';

export type { SendSummary } from './send-prepare.ts';
import { sendThroughQueue, usesJobQueue } from './send-queue.ts';

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

/**
 * Send the issue of `date` to every active subscriber that has not had it.
 * `signal` stops it after the recipients in flight, which are recorded; a
 * transport that cannot send at all (login refused, server unreachable) ends
 * it with an error, the rest left pending for the next `digest send`. With a
 * PostgreSQL store the send goes through the job queue (send-queue.ts): this
 * process plans and enqueues, then works the queue beside any `digest worker`
 * until the issue is done (`wait: false`: returns once enqueued); `log`
 * gets what happens to its jobs (a job that failed, or outlived its expiry
 * while this process was stopped and went to another sender).
 */
export async function sendStep(
  ctx: Context,
  date: string,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
  opts: { wait?: boolean; log?: Logger } = {},
): Promise<SendSummary> {
  if (usesJobQueue(ctx)) return sendThroughQueue(ctx, date, { onProgress, signal, wait: opts.wait ?? true, log: opts.log });
  const { config, store } = ctx;
  const prepared = await prepareSend(ctx, date, { publish: true });
  const lock = acquireSendLock(store.locks, date);
  let messenger: Messenger | undefined;
  try {
    const { createMessenger } = await loadMail();
    messenger = createMessenger(config.delivery, config.output.dir);
    const totals = await sendIssue(
      {
        ...prepared.options,
        concurrency: messenger.concurrency,
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
    if (totals.status === 'aborted') throw sendAborted(date, messenger.description, totals);
    return { date, transport: messenger.description, ...totals, variants: prepared.variants };
  } finally {
    await messenger?.close();
    lock.release();
  }
}
