/**
 * The ingest step: every configured source into the store.
 */
import { ingestAll, type SourceReport } from '../ingest/index.ts';
import type { Context } from './context.ts';

/** Run the ingest stage over all sources. */
export async function ingestStep(ctx: Context): Promise<SourceReport[]> {
  return ingestAll({ config: ctx.config, items: ctx.store.items, sources: ctx.store.sources, now: ctx.now });
}
