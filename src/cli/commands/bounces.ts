/**
 * `digest bounces [--json]`: read the bounce mailbox (`delivery.bounces.imap`)
 * once — DSNs, ARF complaints and common bounce texts — count permanent
 * bounces towards `delivery.bounceAfter`, mark complainers, and move what was
 * processed to `delivery.bounces.imap.processedFolder`. `digest schedule`
 * runs the same every `delivery.bounces.everyMinutes`.
 */
import type { Config } from '../../config/index.ts';
import { loadBounces, type BounceTotals } from '../../deliver/index.ts';
import { ConfigError, DigestError, errorMessage } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import type { Command } from '../command.ts';

/** Read the bounce mailbox once with the configured settings. */
export async function readBounceMailbox(
  config: Config,
  store: Store,
  now: () => Date,
  log?: (line: string) => void,
): Promise<BounceTotals> {
  const d = config.delivery;
  const imap = d.bounces.imap;
  if (!imap)
    throw new ConfigError(
      'delivery.bounces.imap is not set: there is no mailbox to read bounces from',
      'set delivery.bounces.imap.url, e.g. "${DIGEST_BOUNCES_IMAP_URL}" = imaps://user:pass@host/INBOX',
    );
  const { processBounces } = await loadBounces();
  try {
    return await processBounces(imap, {
      subscribers: store.subscribers,
      deliveries: store.deliveries,
      secret: d.unsubscribeSecret,
      returnPath: d.returnPath,
      bounceAfter: d.bounceAfter,
      now,
      log,
    });
  } catch (err) {
    throw new DigestError(
      `cannot read the bounce mailbox: ${errorMessage(err)}`,
      'check delivery.bounces.imap.url (host, port, login, mailbox)',
    );
  }
}

export const command: Command = {
  usage: ['digest bounces [--json]                                  read bounces and complaints from delivery.bounces.imap once'],
  async run(ctx) {
    try {
      const t = await readBounceMailbox(ctx.config, ctx.store, ctx.now, ctx.log);
      return {
        summary: { bounces: t },
        lines: [
          `bounces: ${t.read} read — ${t.bounces} permanent bounce(s) (${t.newlyBounced} now bounced), ${t.complaints} complaint(s), ${t.temporary} temporary, ${t.unmatched} unmatched, ${t.repeated} seen before, ${t.ignored} left in the mailbox; ${t.moved} moved`,
        ],
      };
    } finally {
      ctx.store.close();
    }
  },
};
