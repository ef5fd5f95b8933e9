/**
 * The ingest step as the CLI runs it. Its own module (cycle.ts re-exports
 * it) so that `digest ingest` loads the ingest stage only, not rendering,
 * publishing and delivery.
 */
import { ingestAll, type SourceReport } from '../ingest/index.ts';
import type { Context } from './context.ts';

/** Run the ingest stage over all sources. */
export async function ingestStep(ctx: Context): Promise<SourceReport[]> {
  return ingestAll({ config: ctx.config, items: ctx.store.items, sources: ctx.store.sources, now: ctx.now });
}
