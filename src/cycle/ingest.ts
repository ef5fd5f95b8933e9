/**
 * The ingest step: every configured source into the store.
 */
import { ingestAll, type SourceReport } from '../ingest/index.ts';
import type { Context } from './context.ts';

/** Run the ingest stage over all sources. */
export async function ingestStep(ctx: Context): Promise<SourceReport[]> {
  return ingestAll({ config: ctx.config, items: ctx.store.items, sources: ctx.store.sources, merged: ctx.store.merged, now: ctx.now });
}

/**
 * Ingest the enabled sources named by `ids` (all when empty) one at a time,
 * calling `onReport` after each, so a caller can show progress. Slower than
 * `ingestStep` (no fetching ahead), which is why the scheduled cycle keeps that.
 */
export async function ingestSources(
  ctx: Context,
  ids: string[],
  onReport: (report: SourceReport, done: number, total: number) => void,
): Promise<SourceReport[]> {
  const chosen = ctx.config.sources.filter((s) => s.enabled && (!ids.length || ids.includes(s.id)));
  const reports: SourceReport[] = [];
  for (const source of chosen) {
    const [report] = await ingestAll({
      config: { ...ctx.config, sources: [source] },
      items: ctx.store.items,
      sources: ctx.store.sources,
      merged: ctx.store.merged,
      now: ctx.now,
    });
    reports.push(report!);
    onReport(report!, reports.length, chosen.length);
  }
  return reports;
}
