/** `digest preview [--port N]`: serve the next issue on 127.0.0.1 until SIGINT/SIGTERM. */
import { UsageError } from '../../errors.ts';
import { startPreview } from '../../preview/index.ts';
import type { Command } from '../command.ts';

/** The default port of the preview. */
export const DEFAULT_PREVIEW_PORT = 4280;

function parsePort(raw: unknown): number {
  if (raw === undefined) return DEFAULT_PREVIEW_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(String(raw)) || port > 65535)
    throw new UsageError(`--port: "${String(raw)}" is not a port number`, 'use 1–65535, or 0 for any free port');
  return port;
}

export const command: Command = {
  usage: [
    'digest preview [--port N]                               serve the next issue on http://127.0.0.1:N/ (default 4280) to review, fix, test-send and approve',
  ],
  options: { port: { type: 'string' } },
  longRunning: true,
  async run(ctx, _args, values) {
    const port = parsePort(values.port);
    let running: Awaited<ReturnType<typeof startPreview>>;
    try {
      running = await startPreview(ctx, { port, reloadConfig: ctx.reloadConfig });
    } catch (err) {
      ctx.store.close();
      throw err;
    }
    const line = `preview of the next issue: ${running.url} (Ctrl-C to stop)`;
    if (ctx.json) ctx.log(line);
    else process.stdout.write(`${line}\n`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    await running.close();
    ctx.store.close();
    return { summary: { preview: { url: running.url, stoppedBy: signal } }, lines: [`preview stopped (${signal})`] };
  },
};
