/**
 * `digest override ITEM --section ID | --exclude | --pin | --clear`: an
 * editor's decision about one item, stored in SQLite. Every later build
 * respects it, and the section classifier learns from section moves.
 * ITEM is an item id, an id prefix, or a piece of its headline.
 */
import { userInfo } from 'node:os';
import { DigestError, UsageError } from '../../errors.ts';
import { normalizeTitle } from '../../ingest/index.ts';
import { findSection } from '../../section/index.ts';
import type { ItemRef } from '../../store/index.ts';
import type { Override } from '../../types.ts';
import type { Command, CommandResult, OptionValues } from '../command.ts';
import type { CommandContext as Context } from '../context.ts';
import { parseIssueDate } from '../../util/time.ts';
import { buildStep, issueDate } from '../../cycle/index.ts';
import { formatBuild } from '../format.ts';

const headline = (i: ItemRef) => (i.issuer ? `${i.issuer}：${i.title}` : i.title);

/** The one item an editor means, or a usage error listing the candidates. */
function resolveItem(ctx: Context, query: string): ItemRef {
  const found = ctx.store.overrides.findItems(normalizeTitle(query), 10);
  if (!found.length) throw new DigestError(`no item matches "${query}"`, 'give the item id from issue.json, or a piece of its headline');
  if (found.length > 1) {
    const list = found.map((i) => `\n    ${i.id}  ${headline(i)}`).join('');
    throw new UsageError(
      `"${query}" matches ${found.length === 10 ? '10 or more' : found.length} items:${list}`,
      'give the id (or a longer piece of the headline)',
    );
  }
  return found[0]!;
}

function describe(o: Override, ctx: Context): string {
  const parts: string[] = [];
  if (o.excluded) parts.push('excluded');
  if (o.sectionId) parts.push(`section ${ctx.config.sections.find((s) => s.id === o.sectionId)?.title ?? o.sectionId} (${o.sectionId})`);
  if (o.pinnedFirst) parts.push('pinned first');
  return parts.join(', ') || 'no override';
}

/** The OS user, as the preview's history records it when `preview.editor` is not set. */
function editor(ctx: Context): string {
  if (ctx.config.preview.editor) return ctx.config.preview.editor;
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'editor';
  }
}

function list(ctx: Context): CommandResult {
  const all = ctx.store.overrides.list();
  // Who changed what when, from the preview and this command.
  const history = ctx.store.history.recent(50);
  return {
    summary: { overrides: all, history },
    lines: [
      ...(all.length
        ? all.map((o) => `${o.itemId}  ${describe(o, ctx)}  ${o.item ? headline(o.item) : '(item no longer stored)'}`)
        : ['no overrides']),
      '',
      'history (newest first):',
      ...(history.length
        ? history.map(
            (h) =>
              `  ${h.at.slice(0, 16).replace('T', ' ')}  ${h.editor}  ${h.action}${h.detail ? ` (${h.detail})` : ''}  ${h.headline ?? h.itemId ?? ''}`,
          )
        : ['  no changes recorded']),
    ],
  };
}

/** The change the options ask for, checked for contradictions. */
function patchFrom(ctx: Context, values: OptionValues): Partial<Omit<Override, 'itemId'>> | 'clear' {
  const chosen = ['section', 'exclude', 'include', 'pin', 'unpin', 'clear'].filter((k) => values[k] !== undefined);
  if (!chosen.length)
    throw new UsageError('say what to do with the item', 'add --section ID, --exclude, --include, --pin, --unpin or --clear');
  if (values.clear) {
    if (chosen.length > 1)
      throw new UsageError('--clear cannot be combined with other changes', 'run --clear alone, then set what you want');
    return 'clear';
  }
  if (values.exclude && (values.include || values.section)) throw new UsageError('--exclude contradicts --include/--section', 'choose one');
  if (values.pin && values.unpin) throw new UsageError('--pin contradicts --unpin', 'choose one');
  const patch: Partial<Omit<Override, 'itemId'>> = {};
  if (values.section !== undefined) {
    const id = findSection(ctx.config.sections, String(values.section));
    if (!id) {
      const known = ctx.config.sections.map((s) => `${s.id} (${s.title})`).join(', ');
      throw new UsageError(`no section "${values.section}"`, `use one of: ${known}`);
    }
    // Moving an item brings it back if it was excluded.
    Object.assign(patch, { sectionId: id, excluded: false });
  }
  if (values.exclude) patch.excluded = true;
  if (values.include) patch.excluded = false;
  if (values.pin) patch.pinnedFirst = true;
  if (values.unpin) patch.pinnedFirst = false;
  return patch;
}

export const command: Command = {
  usage: [
    'digest override ITEM --section ID | --exclude | --include | --pin | --unpin | --clear [--rebuild [--date D]] [--json]',
    "                                                          an editor's decision on an item (id, id prefix or headline)",
    "digest override --list [--json]                           list editors' overrides",
  ],
  options: {
    section: { type: 'string' },
    exclude: { type: 'boolean' },
    include: { type: 'boolean' },
    pin: { type: 'boolean' },
    unpin: { type: 'boolean' },
    clear: { type: 'boolean' },
    list: { type: 'boolean' },
    rebuild: { type: 'boolean' },
    date: { type: 'string' },
  },
  async run(ctx, args, values) {
    if (values.list) return list(ctx);
    if (args.length !== 1)
      throw new UsageError('digest override needs one ITEM', 'e.g. digest override 3f2a9c1b --section intl (quote a headline with spaces)');
    const item = resolveItem(ctx, args[0]!);
    const patch = patchFrom(ctx, values);
    const now = ctx.now().toISOString();
    let state: Override | null = null;
    let outcome: string;
    if (patch === 'clear') {
      outcome = ctx.store.overrides.clear(item.id)
        ? 'override cleared; the rules and the classifier decide again'
        : 'had no override; nothing to clear';
    } else {
      state = ctx.store.overrides.set(item.id, patch, now);
      outcome = describe(state, ctx);
    }
    ctx.store.history.record({
      at: now,
      editor: editor(ctx),
      itemId: item.id,
      action: patch === 'clear' ? 'clear' : 'override',
      detail: outcome,
    });
    const lines = [`${item.id}  ${headline(item)}`, `  → ${outcome}`];
    const summary: Record<string, unknown> = { item, override: state };
    if (values.rebuild) {
      // The issue the item is in; an item that has left its issue (excluded, or moved over a cap) names no
      // issue, so `--date` (default: today's issue) says which one to rebuild.
      const date = item.issueDate ?? issueDate(ctx, values.date ? parseIssueDate(String(values.date)) : undefined);
      if (!ctx.store.issues.get(date)) lines.push(`  (no issue of ${date} yet; the next build respects the override)`);
      else {
        // force: an editor who excludes the last item of an existing issue still wants it rebuilt.
        const build = await buildStep(ctx, date, { rebuild: true, force: true });
        summary.build = build;
        lines.push(...formatBuild(build));
      }
    } else if (item.issueDate) {
      lines.push(`  the issue of ${item.issueDate} shows it once rebuilt: digest build --date ${item.issueDate} (or add --rebuild)`);
    }
    return { summary, lines };
  },
};
