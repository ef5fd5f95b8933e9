/**
 * The wiring point: configuration, store, clock, templates and transports
 * are created here and handed to the stages. Nothing else reads config.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { ListSettings } from '../deliver/message.ts';
import { secretWeakness } from '../deliver/unsubscribe.ts';
import { ConfigError } from '../errors.ts';
import { openStore, type Store } from '../store/index.ts';

/** What every command gets. */
export interface Context {
  config: Config;
  store: Store;
  now: () => Date;
  log: (line: string) => void;
  json: boolean;
}

/** Open config and store. `DIGEST_NOW` (ISO) fixes the clock for tests and back-fills. */
export function openContext(opts: { config?: string; json?: boolean }, log: (line: string) => void): Context {
  const config = loadConfig(opts.config);
  const store = openStore(resolve(config.store.path));
  const fixed = process.env.DIGEST_NOW ? new Date(process.env.DIGEST_NOW) : null;
  if (fixed && Number.isNaN(fixed.getTime())) throw new Error(`DIGEST_NOW="${process.env.DIGEST_NOW}" is not an ISO time`);
  return { config, store, now: () => fixed ?? new Date(), log, json: !!opts.json };
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
