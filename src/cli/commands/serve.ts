/**
 * `digest serve [--host H] [--port N]`: the one-click unsubscribe endpoint
 * (POST) and its confirmation page (GET) for the links in every email, until
 * SIGTERM/SIGINT. Binds `delivery.serve.host:port` (default 127.0.0.1:8090).
 */
import { listSettings, requireStrongSecret } from '../../cycle/index.ts';
import { unsubscribeEndpoint } from '../../deliver/index.ts';
import { DigestError, UsageError } from '../../errors.ts';
import { createLogger } from '../../log.ts';
import { onShutdownSignals } from '../../schedule/index.ts';
import { startServer } from '../../serve/index.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  usage: ['digest serve [--host H] [--port N]              serve the one-click unsubscribe endpoint until SIGTERM/SIGINT'],
  options: { host: { type: 'string' }, port: { type: 'string' } },
  longRunning: true,
  async run(ctx, _args, values) {
    const { config } = ctx;
    try {
      const d = config.delivery;
      requireStrongSecret(config, 'digest serve checks the links');
      const port = values.port === undefined ? d.serve.port : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${String(values.port)} is not a port number`, 'use 0–65535 (0: any free port)');
      const host = (values.host as string | undefined) ?? d.serve.host;
      const log = createLogger();
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer(
          { host, port },
          {
            subscribers: ctx.store.subscribers,
            secret: d.unsubscribeSecret,
            title: config.publication.title,
            mailto: listSettings(config).unsubscribeMailto,
            now: ctx.now,
            log: (line) => log.info(line),
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
      const publicUrl = unsubscribeEndpoint(config.publication.baseUrl, d.unsubscribeUrl);
      ctx.log(`digest serve: listening on ${server.url}/unsubscribe — publish it at ${publicUrl} (reverse proxy with TLS)`);
      await new Promise<void>((resolve) => {
        const remove = onShutdownSignals(() => {
          remove();
          resolve();
        }, log);
      });
      await server.close();
      return { summary: { serve: { url: server.url, stopped: true } }, lines: ['digest serve stopped'] };
    } finally {
      ctx.store.close();
    }
  },
};
