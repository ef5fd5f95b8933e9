/**
 * The one context of the cycle: what `digest run`, the scheduler and the
 * preview hand to every step. The CLI creates it (it alone reads
 * configuration); the cycle only uses it.
 */
import type { Config } from '../config/index.ts';
import type { ListSettings } from '../deliver/index.ts';
import type { Store } from '../store/index.ts';

/** What every step of the cycle gets. */
export interface Context {
  config: Config;
  store: Store;
  /** The cycle's clock (fixed by `DIGEST_NOW` in tests and back-fills). */
  now: () => Date;
  /** One human-readable line (warnings); stderr in the CLI. */
  log: (line: string) => void;
}

/** The domain of the From address (for Message-IDs and List-Id). */
export function fromDomain(config: Config): string {
  const m = /@([^>\s]+)>?\s*$/.exec(config.delivery.from);
  return m ? m[1]! : 'localhost';
}

/** List headers settings from config. */
export function listSettings(config: Config): ListSettings {
  const domain = fromDomain(config);
  const address = /<([^>]+)>/.exec(config.delivery.from)?.[1] ?? config.delivery.from;
  return {
    from: config.delivery.from,
    replyTo: config.delivery.replyTo,
    listId: `${config.publication.title} <digest.${domain}>`,
    unsubscribeMailto: config.delivery.unsubscribeMailto ?? address,
  };
}
