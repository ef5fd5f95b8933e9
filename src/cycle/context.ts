/**
 * The one context of the cycle: what `digest run`, the scheduler and the
 * preview hand to every step. The CLI creates it (it alone reads
 * configuration); the cycle only uses it.
 */
import type { Config } from '../config/index.ts';
import { type ListSettings, secretWeakness } from '../deliver/index.ts';
import { ConfigError } from '../errors.ts';
import type { Store } from '../store/index.ts';

/** What every step of the cycle gets. */
export interface Context {
  config: Config;
  store: Store;
  /** The store's PostgreSQL URL (with its password), when it is on PostgreSQL: the job queue and the shared send rate connect to it. */
  storeUrl?: string;
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

/**
 * Refuse a weak `delivery.unsubscribeSecret` (exit 2) where signed links leave
 * this machine: mail over SMTP and `digest serve`, which checks them. The
 * outbox (no `delivery.smtp`) writes local .eml files only, so a fresh clone's
 * `npm start` keeps working with the shipped default. `why` says which command needs it.
 */
export function requireStrongSecret(config: Config, why: string): void {
  const weakness = secretWeakness(config.delivery.unsubscribeSecret);
  if (!weakness) return;
  throw new ConfigError(
    `delivery.unsubscribeSecret ${weakness}: anyone could forge unsubscribe links (${why})`,
    'set a random secret, e.g. export DIGEST_UNSUBSCRIBE_SECRET="$(openssl rand -base64 32)"; links already mailed stop working when it changes',
  );
}

/** {@link requireStrongSecret} when links go out by SMTP; the outbox keeps them on this machine. */
export function requireStrongSecretForSmtp(config: Config, why: string): void {
  if (config.delivery.smtp) requireStrongSecret(config, why);
}
