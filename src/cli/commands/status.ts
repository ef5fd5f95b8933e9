/** `digest status [--json]`: last runs, next scheduled time, pending drafts, delivery totals. */
import { DateTime } from 'luxon';
import { collectStatus, type StatusReport } from '../../schedule/index.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  usage: ['digest status [--json]                                   last runs, next scheduled time, drafts waiting, delivery totals'],
  async run(ctx) {
    const { config, store } = ctx;
    const report = collectStatus(store, {
      now: ctx.now(),
      cron: config.schedule.cron,
      timezone: config.publication.timezone,
    });
    return { summary: { status: report }, lines: formatStatus(report, config.schedule.requireApproval) };
  },
};

const short = (iso: string | null) => (iso ? DateTime.fromISO(iso, { setZone: true }).toFormat('yyyy-MM-dd HH:mm:ss') : '—');

function formatStatus(r: StatusReport, requireApproval: boolean): string[] {
  const lines = [
    `now: ${short(r.now)} (${r.timezone})`,
    `next scheduled run: ${r.nextRun ? short(r.nextRun) : 'never'} (cron "${r.cron}")`,
  ];
  if (r.lock) {
    lines.push(
      `cycle lock: ${r.lock.expired ? 'left expired by' : 'held by'} ${r.lock.owner} since ${r.lock.acquiredAt}${r.lock.expired ? '' : `, until ${r.lock.expiresAt}`}`,
    );
  }
  lines.push('last runs:');
  if (!r.runs.length) lines.push('  (none yet)');
  for (const run of r.runs) {
    const s = run.summary as {
      trigger?: string;
      action?: string;
      reason?: string;
      error?: string;
      build?: { status?: string };
      send?: { submitted?: number; failed?: number } | null;
    };
    const secs = run.finishedAt ? Math.round((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000) : null;
    const what = [
      s.action ? `${s.trigger}: ${s.action} (${s.reason})` : null,
      s.build?.status ? `build ${s.build.status}` : null,
      s.send ? `${s.send.submitted} submitted, ${s.send.failed} failed` : null,
      s.error ? `error: ${s.error}` : null,
    ].filter(Boolean);
    lines.push(
      `  ${run.id}  ${run.kind.padEnd(8)}  ${run.issueDate ?? '—'}  ${run.status.padEnd(11)}  ${short(run.startedAt)}${secs !== null ? ` (${secs}s)` : ''}  ${what.join(', ')}`,
    );
  }
  lines.push('pending issues (not sent):');
  if (!r.pending.length) lines.push('  (none)');
  for (const p of r.pending) {
    const next =
      p.status === 'approved'
        ? `approved ${short(p.approvedAt)}; goes out at the scheduler's next check`
        : requireApproval
          ? `waits for approval: digest approve --issue ${p.date}`
          : 'draft';
    lines.push(`  ${p.date}  ${p.status.padEnd(8)}  built ${short(p.createdAt)} — ${next}`);
  }
  lines.push('deliveries of recent issues:');
  if (!r.issues.length) lines.push('  (no issues yet)');
  for (const i of r.issues) {
    const t = i.deliveries;
    const skipped = t.skipped ? `, ${t.skipped} skipped` : '';
    lines.push(`  ${i.date}  ${i.status.padEnd(8)}  ${t.sent} sent, ${t.failed} failed${skipped}, ${t.pending + t.sending} unfinished`);
  }
  if (r.missed.length) lines.push(`missed days (no issue, no run): ${r.missed.join(', ')} — produce one with digest run --date D`);
  return lines;
}
