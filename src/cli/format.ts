/**
 * Human-readable summaries of the steps, for the CLI's text output.
 */
import type { SourceReport } from '../ingest/index.ts';
import type { BuildSummary, SendSummary } from './cycle.ts';

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
  const head = b.status === 'exists' ? `issue ${b.date} exists already (not rebuilt)` : `issue ${b.date} ${b.status}`;
  const lines = [`${head}: 第${b.numbering?.number}期（总第${b.numbering?.totalNumber}期）`];
  lines.push(...Object.entries(b.sections).map(([title, n]) => `  ${title}: ${n}`));
  if (b.overflow) lines.push(`  overflow (over section caps, kept for the next issue): ${b.overflow}`);
  if (b.unplaced) lines.push(`  unplaced (no section matched): ${b.unplaced}`);
  if (b.files.length) lines.push(`files written: ${b.files.length}`, ...b.files.map((f) => `  ${f}`));
  return lines;
}

/** The send totals. */
export function formatSend(s: SendSummary): string[] {
  return [
    `send ${s.date} via ${s.transport}: ${s.submitted} submitted, ${s.retried} retried, ${s.failed} failed` +
      (s.alreadySent ? `, ${s.alreadySent} already sent earlier (not sent again)` : ''),
  ];
}
