/**
 * `digest import FILE…`: editor items into the store. Each file is read and
 * stored on its own, so one bad file never loses the others.
 */
import { errorMessage } from '../errors.ts';
import { buildItem, readEditorFile, storeItems } from '../ingest/index.ts';
import type { CommandContext as Context } from './context.ts';

/** Outcome of importing one file. */
export interface ImportResult {
  file: string;
  new: number;
  duplicate: number;
  error?: string;
}

/** Import editor files as items of the `editor` source. */
export function importFiles(ctx: Context, files: string[]): ImportResult[] {
  const now = ctx.now().toISOString();
  return files.map((file) => {
    try {
      const items = readEditorFile(
        file,
        'editor',
        ctx.config.sections.map((s) => s.title),
      ).map((e) => buildItem(e, now, ctx.config.publication.timezone));
      const c = storeItems(items, ctx.store.items, { copies: ctx.store.merged });
      return { file, new: c.new, duplicate: c.duplicate + c.merged };
    } catch (err) {
      return { file, new: 0, duplicate: 0, error: errorMessage(err) };
    }
  });
}
