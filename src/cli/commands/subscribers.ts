/**
 * `digest subscribers add|remove|list|import FILE.csv`.
 */
import { readFileSync } from 'node:fs';
import { DigestError, UsageError, errorMessage } from '../../errors.ts';
import type { Command, CommandResult } from '../command.ts';
import type { Context } from '../context.ts';

/** Parse one CSV line (RFC 4180 quotes). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** Run a subscribers subcommand. */
function subscribersCommand(ctx: Context, args: string[]): CommandResult {
  const [sub, ...rest] = args;
  const now = ctx.now().toISOString();
  const store = ctx.store.subscribers;
  switch (sub) {
    case 'add': {
      if (!rest[0]) throw new UsageError('subscribers add needs an EMAIL', 'digest subscribers add name@example.org "姓名"');
      const outcome = store.add(rest[0], rest[1] ?? null, now, true);
      return { summary: { subscribers: { add: rest[0], outcome } }, lines: [`${rest[0]}: ${outcome}`] };
    }
    case 'remove': {
      if (!rest[0]) throw new UsageError('subscribers remove needs an EMAIL', 'digest subscribers remove name@example.org');
      const removed = store.unsubscribe(rest[0], now);
      return { summary: { subscribers: { remove: rest[0], removed } }, lines: [removed ? `${rest[0]}: unsubscribed` : `${rest[0]}: not an active subscriber`] };
    }
    case 'list': {
      const lines: string[] = [];
      const list: unknown[] = [];
      for (const s of store.all()) {
        if (ctx.json) list.push(s);
        else lines.push(`${s.email}\t${s.name ?? ''}\t${s.status}`);
      }
      const c = store.counts();
      lines.push(`${c.active} active, ${c.unsubscribed} unsubscribed, ${c.bounced} bounced`);
      return { summary: { subscribers: list, counts: c }, lines };
    }
    case 'import': {
      const file = rest[0];
      if (!file) throw new UsageError('subscribers import needs a FILE.csv', 'columns: email,name[,status]');
      let text: string;
      try {
        text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      } catch (err) {
        throw new DigestError(`cannot read ${file}: ${errorMessage(err)}`, 'check the path');
      }
      const counts: Record<string, number> = {};
      const errors: string[] = [];
      text.split(/\r?\n/).forEach((line, i) => {
        if (!line.trim()) return;
        const [email = '', name = '', status = ''] = parseCsvLine(line);
        if (i === 0 && email.toLowerCase() === 'email') return; // header
        try {
          const outcome = status === 'unsubscribed' ? (store.add(email, name || null, now), store.unsubscribe(email, now), 'unsubscribed') : store.add(email, name || null, now);
          counts[outcome] = (counts[outcome] ?? 0) + 1;
        } catch (err) {
          errors.push(`${file}:${i + 1}: ${errorMessage(err)}`);
        }
      });
      return {
        summary: { subscribers: { import: file, counts, errors } },
        lines: [`${file}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing imported'}`, ...errors.map((e) => `  ✗ ${e}`)],
      };
    }
    default:
      throw new UsageError(`unknown subscribers subcommand "${sub ?? ''}"`, 'use add, remove, list or import');
  }
}

export const command: Command = {
  usage: ['digest subscribers add EMAIL [NAME] | remove EMAIL | list | import FILE.csv'],
  async run(ctx, args) {
    return subscribersCommand(ctx, args);
  },
};
