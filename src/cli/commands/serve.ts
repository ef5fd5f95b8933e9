/**
 * `digest serve [--host H] [--port N] [--form-snippet]`: the one-click
 * unsubscribe endpoint, sign-up with double opt-in, confirmation and the
 * preference centre, until SIGTERM/SIGINT. Binds `delivery.serve.host:port`
 * (default 127.0.0.1:8090). `--form-snippet` prints an embeddable sign-up form.
 */
import { resolve } from 'node:path';
import { fromDomain, listSettings, requireStrongSecret } from '../../cycle/index.ts';
import {
  loadMail,
  loadSubscriptionTemplates,
  preferencesUrl,
  serviceBase,
  signedUnsubscribeUrl,
  unsubscribeEndpoint,
  verpAddress,
} from '../../deliver/index.ts';
import { DigestError, UsageError } from '../../errors.ts';
import { createLogger } from '../../log.ts';
import { onShutdownSignals } from '../../schedule/index.ts';
import { formSnippet, SlidingLimit, startServer, type SubscriptionDeps } from '../../serve/index.ts';
import type { CommandContext } from '../context.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  usage: [
    'digest serve [--host H] [--port N]              serve unsubscribe, sign-up, confirmation and preferences until SIGTERM/SIGINT',
    'digest serve --form-snippet                     print an HTML sign-up form for other sites',
  ],
  options: { host: { type: 'string' }, port: { type: 'string' }, 'form-snippet': { type: 'boolean' } },
  longRunning: true,
  async run(ctx, _args, values) {
    const { config } = ctx;
    try {
      const d = config.delivery;
      const endpoint = unsubscribeEndpoint(config.publication.baseUrl, d.unsubscribeUrl);
      if (values['form-snippet']) {
        const tpl = loadSubscriptionTemplates(resolve(config.render.templates), config.publication.language);
        process.stdout.write(formSnippet(serviceBase(endpoint), config.sections, tpl, config.publication.title));
        return { summary: { serve: { formSnippet: true } }, lines: [] };
      }
      requireStrongSecret(config, 'digest serve checks the links');
      const port = values.port === undefined ? d.serve.port : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${String(values.port)} is not a port number`, 'use 0–65535 (0: any free port)');
      const host = (values.host as string | undefined) ?? d.serve.host;
      const log = createLogger();
      const subscription = await subscriptionDeps(ctx, endpoint, (line) => log.info(line));
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer(
          { host, port },
          {
            subscribers: ctx.store.subscribers,
            secret: d.unsubscribeSecret,
            title: config.publication.title,
            templates: subscription.templates,
            mailto: listSettings(config).unsubscribeMailto,
            now: ctx.now,
            log: (line) => log.info(line),
            preferencesHref: (id, email) => preferencesUrl('', d.unsubscribeSecret, id, email),
            subscription,
          },
        );
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new DigestError(
          `cannot listen on ${host}:${port}: ${code ?? (err as Error).message}`,
          code === 'EADDRINUSE'
            ? 'another program uses that port: pick another with --port or delivery.serve.port'
            : 'check delivery.serve.host',
        );
      }
      ctx.log(
        `digest serve: listening on ${server.url}/unsubscribe (and /subscribe, /confirm, /preferences) — publish it at ${serviceBase(endpoint)} (reverse proxy with TLS); mail via ${subscription.description}`,
      );
      await new Promise<void>((resolve) => {
        const remove = onShutdownSignals(() => {
          remove();
          resolve();
        }, log);
      });
      await server.close();
      await subscription.close();
      return { summary: { serve: { url: server.url, stopped: true } }, lines: ['digest serve stopped'] };
    } finally {
      ctx.store.close();
    }
  },
};

/** The sign-up, confirmation and preference pages' dependencies, with the mailer (SMTP, or the outbox). */
export async function subscriptionDeps(
  ctx: CommandContext,
  endpoint: string,
  log: (line: string) => void,
): Promise<SubscriptionDeps & { description: string; close: () => Promise<void> }> {
  const { config } = ctx;
  const d = config.delivery;
  const sub = config.subscription;
  const templates = loadSubscriptionTemplates(resolve(config.render.templates), config.publication.language);
  const { SubscriptionMailer, createMessenger } = await loadMail();
  const mailer = new SubscriptionMailer({
    templates,
    title: config.publication.title,
    list: listSettings(config),
    messenger: createMessenger(d, config.output.dir),
    domain: fromDomain(config),
    now: ctx.now,
    returnPath: d.returnPath ? (id) => verpAddress(d.returnPath!, d.unsubscribeSecret, id) : undefined,
  });
  return {
    subscribers: ctx.store.subscribers,
    secret: d.unsubscribeSecret,
    title: config.publication.title,
    templates,
    sections: config.sections.map((s) => ({ id: s.id, title: s.title })),
    confirmHours: sub.confirmHours,
    welcome: sub.welcome,
    publicBase: serviceBase(endpoint),
    mail: async (req) => {
      const outcome = await mailer.send(req);
      if (!outcome.ok) throw new Error(outcome.error);
    },
    unsubscribeUrl: (id, email) => signedUnsubscribeUrl(endpoint, d.unsubscribeSecret, id, email),
    limits: {
      perIp: new SlidingLimit(sub.perIpPerHour, 3_600_000, ctx.now),
      perAddress: new SlidingLimit(sub.perAddressPerDay, 86_400_000, ctx.now),
    },
    trustProxy: sub.trustProxy,
    now: ctx.now,
    log,
    description: mailer.description,
    close: () => mailer.close(),
  };
}
