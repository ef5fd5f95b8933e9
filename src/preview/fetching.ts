/**
 * 获取最新 (fetch latest) from the page: the ingest of all sources (or one)
 * runs in the background, one source after another, and its progress and
 * per-source results stay here for the page to show. One fetch at a time.
 */
import { type Context, ingestSources } from '../cycle/index.ts';
import { errorMessage } from '../errors.ts';
import type { SourceReport } from '../ingest/index.ts';
import { editorName } from './editing.ts';

/** The state of the current or last fetch. */
export interface FetchState {
  running: boolean;
  /** Ids of the sources this fetch reads, in order. */
  sources: string[];
  reports: SourceReport[];
  startedAt: string;
  finishedAt: string | null;
  /** Why the fetch as a whole stopped (single sources report their own failures). */
  error: string | null;
}

/** Runs fetches and remembers the last one. */
export class FetchJob {
  state: FetchState | null = null;
  private running: Promise<void> = Promise.resolve();

  /**
   * Start fetching `sourceId` (all enabled sources when empty); `progress` is
   * called after each source and at the end. False when a fetch is running.
   */
  start(ctx: Context, sourceId: string, progress: () => void): boolean {
    if (this.state?.running) return false;
    const ids = ctx.config.sources.filter((s) => s.enabled && (!sourceId || s.id === sourceId)).map((s) => s.id);
    const state: FetchState = {
      running: true,
      sources: ids,
      reports: [],
      startedAt: ctx.now().toISOString(),
      finishedAt: null,
      error: null,
    };
    this.state = state;
    this.running = ingestSources(ctx, ids, (report) => {
      state.reports.push(report);
      progress();
    })
      .catch((err) => {
        state.error = errorMessage(err);
      })
      .then(() => {
        state.running = false;
        state.finishedAt = ctx.now().toISOString();
        const total = state.reports.reduce((n, r) => n + r.new, 0);
        ctx.store.history.record({
          at: state.finishedAt,
          editor: editorName(ctx),
          itemId: null,
          action: 'fetch',
          detail: `${ids.join(', ')}: +${total}`,
        });
        progress();
      });
    return true;
  }

  /** Resolves when the current fetch (if any) has finished. */
  settled(): Promise<void> {
    return this.running;
  }
}
