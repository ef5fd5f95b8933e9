/**
 * The cycle, once: seed subscribers → ingest → build → (skip?) → send. `digest
 * run`, the scheduler and (through its steps) the preview all use it, so the
 * order of the steps, the skip rules and what counts as "interrupted" are
 * decided here and nowhere else.
 */
import type { SourceReport } from '../ingest/index.ts';
import type { Logger } from '../log.ts';
import { type BuildSummary, buildStep, seedSubscribers } from './build.ts';
import type { Context } from './context.ts';
import { ingestStep } from './ingest.ts';
import { type SendSummary, sendStep } from './send.ts';

/**
 * How a cycle ended (the run log's statuses): `ok` — done as asked; `skipped` —
 * nothing or too little to publish (`skipIfEmpty`, `minItems`); `waiting` — built,
 * sending not asked for; `interrupted` — see `isInterrupted`.
 */
export type CycleStatus = 'ok' | 'skipped' | 'waiting' | 'interrupted';

/** What one cycle did. `build`/`send` are null when it stopped before that step. */
export interface CycleResult {
  status: CycleStatus;
  sources: SourceReport[];
  build: BuildSummary | null;
  send: SendSummary | null;
}

/** Options of one cycle. */
export interface CycleOptions {
  /** Send the issue once built (`digest run --no-send` and approval-gated schedules say no). */
  send: boolean;
  /** Publish even an empty or thin issue (`digest run --force`). */
  force?: boolean;
  /** Stop between steps, and a send after the recipients in flight. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Structured log for the steps' notable events (the scheduler's run log). */
  log?: Logger;
}

/**
 * The one definition of "interrupted": a stop was requested before the cycle
 * did what it was asked, or a send left recipients pending or in flight (the
 * next `digest send`, or the scheduler's next start, finishes it without
 * sending anyone the issue twice).
 */
export function isInterrupted(ctx: Context, date: string, stopped: boolean, send: SendSummary | null): boolean {
  if (send) {
    const t = ctx.store.deliveries.totals(date);
    return t.pending + t.sending > 0 || send.status !== 'completed';
  }
  return stopped;
}

/** Run the whole cycle for the issue of `date`. */
export async function runCycle(ctx: Context, date: string, opts: CycleOptions): Promise<CycleResult> {
  const { signal, log } = opts;
  seedSubscribers(ctx);
  const sources = await ingestStep(ctx);
  for (const s of sources) {
    if (s.status === 'failed' || s.status === 'gone' || s.status === 'disabled')
      log?.warn(`source ${s.id}: ${s.status}`, { error: s.error });
  }
  const result: CycleResult = { status: 'ok', sources, build: null, send: null };
  if (signal?.aborted) return { ...result, status: 'interrupted' };
  const build = await buildStep(ctx, date, { force: opts.force });
  result.build = build;
  if (build.status === 'empty' || build.status === 'too-few') return { ...result, status: 'skipped' };
  log?.info(`issue ${build.status}`, { number: build.numbering?.number, sections: build.sections });
  if (!opts.send) return { ...result, status: 'waiting' };
  if (signal?.aborted) return { ...result, status: 'interrupted' };
  const sent = await sendCycle(ctx, date, opts);
  return { ...result, status: sent.status, send: sent.send };
}

/** Send (or finish sending) the stored issue of `date`: the cycle's last step alone (the scheduler resuming a send). */
export async function sendCycle(
  ctx: Context,
  date: string,
  opts: Pick<CycleOptions, 'signal' | 'onProgress' | 'log'>,
): Promise<{ status: 'ok' | 'interrupted'; send: SendSummary }> {
  const send = await sendStep(ctx, date, opts.onProgress, opts.signal);
  const interrupted = isInterrupted(ctx, date, !!opts.signal?.aborted, send);
  if (interrupted) {
    const t = ctx.store.deliveries.totals(date);
    opts.log?.info(`send stopped early: ${t.pending + t.sending} recipient(s) left for the next start`);
  }
  return { status: interrupted ? 'interrupted' : 'ok', send };
}
