/**
 * Human-readable summaries of the steps, for the CLI's text output.
 */
import type { SourceReport } from '../ingest/index.ts';
import type { BuildSummary, SendSummary } from '../cycle/index.ts';

/** One line per source. */
export function formatIngest(reports: SourceReport[]): string[] {
  return reports.map((r) =>
    r.status === 'failed' || r.status === 'gone' || r.status === 'disabled'
      ? `  ✗ ${r.id}: ${r.status} — ${r.error}`
      : `  ✓ ${r.id}: ${r.status}, ${r.new} new, ${r.duplicate} duplicate${r.merged ? `, ${r.merged} merged` : ''}`,
  );
}

/** The build result: numbering, items per section, files written. */
export function formatBuild(b: BuildSummary): string[] {
  if (b.status === 'empty') return [`issue ${b.date}: nothing new to publish (skipped; use --force to publish an empty issue)`];
  if (b.status === 'too-few') {
    const n = Object.values(b.sections).reduce((a, c) => a + c, 0);
    return [
      `issue ${b.date}: only ${n} item(s), fewer than schedule.minItems (skipped; the items wait for the next issue; use --force to publish anyway)`,
    ];
  }
  const head = b.status === 'exists' ? `issue ${b.date} exists already (not rebuilt)` : `issue ${b.date} ${b.status}`;
  const lines = [`${head}: 第${b.numbering?.number}期（总第${b.numbering?.totalNumber}期）`];
  lines.push(...Object.entries(b.sections).map(([title, n]) => `  ${title}: ${n}`));
  if (b.overflow) lines.push(`  overflow (over section caps, kept for the next issue): ${b.overflow}`);
  if (b.unplaced) lines.push(`  unplaced (no section matched): ${b.unplaced}`);
  if (b.files.length) lines.push(`files written: ${b.files.length}`, ...b.files.map((f) => `  ${f}`));
  else if (b.status === 'built' || b.status === 'rebuilt')
    lines.push('draft kept private: its files are published when it is sent (schedule.requireApproval)');
  return lines;
}

/** The send totals. */
export function formatSend(s: SendSummary): string[] {
  const extra = [
    s.skipped ? `${s.skipped} skipped (left, paused or nothing in their sections)` : '',
    s.resumed ? `${s.resumed} resumed after an interruption (same Message-ID)` : '',
    s.alreadySent ? `${s.alreadySent} already sent earlier (not sent again)` : '',
    s.variants && s.variants.count > 1 ? `${s.variants.count} variants by chosen sections (${s.variants.rendered} rendered now)` : '',
  ].filter(Boolean);
  const lines = [
    `send ${s.date} via ${s.transport}: ${s.submitted} submitted, ${s.retried} retried, ${s.failed} failed${extra.length ? `, ${extra.join(', ')}` : ''}`,
  ];
  if (s.queue && !s.queue.waited)
    lines.push(
      `  ${s.queue.created} job(s) enqueued${s.queue.requeued ? `, ${s.queue.requeued} given back` : ''} for ${s.remaining} recipient(s); digest worker sends them, digest status shows progress`,
    );
  else if (s.status === 'stopped')
    lines.push(`  stopped early: ${s.remaining} left pending; digest send --issue ${s.date} resumes (nobody gets it twice)`);
  return lines;
}
