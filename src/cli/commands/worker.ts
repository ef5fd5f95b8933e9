/**
 * `digest worker [--concurrency N]`: a long-running sender for any machine
 * that reaches the PostgreSQL store and the SMTP relay. It takes send jobs
 * from the queue (one block of subscribers at a time, N messages in flight)
 * and sends them with the delivery ledger; SIGTERM/SIGINT finish the messages
 * in flight, give the rest of the block back to the queue and exit 0.
 */
import { openQueueSender, requireStrongSecretForSmtp, usesJobQueue, workQueue } from '../../cycle/index.ts';
import { ConfigError, UsageError } from '../../errors.ts';
import { createLogger } from '../../log.ts';
import { onShutdownSignals } from '../../schedule/index.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  usage: [
    'digest worker [--concurrency N] [--json]                 send queued jobs of any issue until SIGTERM/SIGINT (PostgreSQL store);',
    '                                           N messages in flight (default delivery.smtp.maxConnections)',
  ],
  options: { concurrency: { type: 'string' } },
  longRunning: true,
  async run(ctx, _args, values) {
    if (!usesJobQueue(ctx)) {
      throw new ConfigError(
        'digest worker needs the PostgreSQL store: with the SQLite store (store.path) digest send is the only sender, on the machine that has the file',
        'set store.url to postgres://user:pass@host:5432/db (or $DIGEST_STORE_URL) on every machine, then start digest worker there; or use digest send alone',
      );
    }
    const raw = values.concurrency as string | undefined;
    const concurrency = raw === undefined ? undefined : Number(raw);
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 100))
      throw new UsageError(`--concurrency ${raw}: not a whole number from 1 to 100`, 'e.g. digest worker --concurrency 4');
    requireStrongSecretForSmtp(ctx.config, 'digest worker sends over SMTP');
    const log = createLogger();
    const stop = new AbortController();
    const removeSignals = onShutdownSignals(() => stop.abort(), log);
    try {
      const sender = await openQueueSender(ctx, { concurrency, log });
      log.info('worker started', { transport: sender.messenger.description, concurrency: sender.messenger.concurrency });
      let done: { jobs: number; submitted: number };
      try {
        done = await workQueue(ctx, sender, stop.signal, log);
      } finally {
        await sender.close();
      }
      // Statements this worker sent to PostgreSQL (store, job queue, shared rate): what `npm run bench scale` adds up.
      log.info('worker stopped', { ...done, roundTrips: sender.roundTrips() });
      return { summary: { worker: done }, lines: [`worker stopped after ${done.jobs} job(s), ${done.submitted} message(s) submitted`] };
    } finally {
      removeSignals();
      ctx.store.close();
    }
  },
};
