/**
 * Approving a draft issue for sending. With `schedule.requireApproval: true`
 * the scheduler builds a draft and sends it only once approved; approval is
 * recorded on the issue (status `approved`, `approved_at`), so it works the
 * same from `digest approve` and from the preview page, in any process, and
 * the scheduler picks it up at its next tick or check.
 */
import { DigestError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import type { IsoDate } from '../types.ts';

/** The result of an approval. */
export interface ApprovalResult {
  date: IsoDate;
  status: 'approved';
  approvedAt: string;
  /** True when it had been approved before (nothing changed). */
  alreadyApproved: boolean;
}

/**
 * Approve the issue of `date`, or — when no date is given — the only draft
 * waiting (several drafts must be named: approving the wrong one would send it).
 * Throws a DigestError naming the problem when there is no such draft, or the
 * issue was already sent.
 */
export function approveIssue(store: Pick<Store, 'issues' | 'transaction'>, date: IsoDate | undefined, now: Date): ApprovalResult {
  // One write transaction: a send finishing meanwhile cannot be overwritten with `approved`.
  return store.transaction((): ApprovalResult => {
    const target = date ?? onlyDraft(store);
    const stored = store.issues.get(target);
    if (!stored)
      throw new DigestError(
        `there is no issue for ${target}`,
        `build it first (digest build --date ${target}), or name another with --issue`,
      );
    if (stored.status === 'sent') throw new DigestError(`the issue of ${target} was already sent`, 'nothing to approve');
    if (stored.status === 'approved') {
      return { date: target, status: 'approved', approvedAt: stored.approvedAt ?? now.toISOString(), alreadyApproved: true };
    }
    const at = now.toISOString();
    store.issues.setStatus(target, 'approved', at);
    return { date: target, status: 'approved', approvedAt: at, alreadyApproved: false };
  });
}

function onlyDraft(store: Pick<Store, 'issues'>): IsoDate {
  const drafts = store.issues.pending().filter((p) => p.status === 'draft');
  if (drafts.length === 1) return drafts[0]!.date;
  if (!drafts.length)
    throw new DigestError(
      'no draft issue waits for approval',
      'the scheduler builds one at the scheduled time, or build one with digest build --date D',
    );
  throw new DigestError(
    `${drafts.length} draft issues wait for approval: ${drafts.map((d) => d.date).join(', ')}`,
    'name the one to approve: digest approve --issue YYYY-MM-DD',
  );
}
