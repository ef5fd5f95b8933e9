/**
 * The preview stage: `digest preview` serves the next issue on 127.0.0.1 with
 * live reload. See model.ts (what is shown and what the buttons do),
 * server.ts (HTTP and its defences), watch.ts (live reload), page.ts (the UI).
 */
import type { Config } from '../config/index.ts';
import type { Context } from '../cycle/index.ts';
import { Preview } from './model.ts';
import { startPreviewServer } from './server.ts';
import { watchPreview } from './watch.ts';

/** A running preview: server plus watcher. */
export interface RunningPreview {
  url: string;
  port: number;
  preview: Preview;
  /** Resolves once file watching is live. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Start the preview of the next issue on 127.0.0.1:`port` (0: a free port). */
export async function startPreview(
  ctx: Context,
  opts: { port: number; pollMs?: number; debounceMs?: number; reloadConfig?: () => Config },
): Promise<RunningPreview> {
  const preview = new Preview(ctx, opts.reloadConfig);
  const server = await startPreviewServer(preview, opts.port, { pollMs: opts.pollMs });
  const watcher = watchPreview(preview, ctx.log, opts.debounceMs);
  return {
    url: server.url,
    port: server.port,
    preview,
    ready: watcher.ready,
    close: async () => {
      await watcher.close();
      await server.close();
    },
  };
}
