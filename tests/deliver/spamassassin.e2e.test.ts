/**
 * A real issue message (the seed issue, rendered and built by IssueMessage
 * exactly as `digest send` builds it) scored by SpamAssassin with its local
 * tests only (`spamassassin -L -t`: no DNS or network rules, so the score
 * depends on the message alone). Issue 16: the hidden preheader's white text
 * cost +0.7 (HTML_FONT_LOW_CONTRAST) and main's message scored −0.3; it now
 * scores −1.0. Debian's `spamassassin` is installed by the pretest step.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'vitest';
import { IssueMessage } from '../../src/deliver/mime.ts';
import { renderIssue } from '../../src/render/index.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import { loadIssue, renderOptions, TEMPLATES_DIR } from '../render/fixtures.ts';
import { LIST } from './helpers.ts';

/** Run `spamassassin -L -t` on a message; its report (stdout). */
function spamassassin(message: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('spamassassin', ['-L', '-t'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`spamassassin exited ${code}: ${Buffer.concat(err)}`)),
    );
    child.stdin.end(message);
  });
}

test('a real issue message scores at most −0.5 with SpamAssassin’s local tests, without the rules the message could earn', async () => {
  const rendered = await renderIssue(loadIssue('seed-2024-07-15'), loadTemplates(TEMPLATES_DIR), renderOptions());
  const message = new IssueMessage(rendered, LIST).forRecipient(
    {
      email: 'reader@example.org',
      name: '张三',
      messageId: '<digest-2024-07-15-1-ab@example.org>',
      unsubscribeUrl: 'https://example.org/digest/unsubscribe?s=1&t=abc',
    },
    new Date('2024-07-14T23:00:00Z'),
  );
  const report = await spamassassin(message.raw);
  const score = Number(/^Content analysis details:\s+\((-?[\d.]+) points/m.exec(report)?.[1]);
  const rules = [...report.matchAll(/^\s*-?\d+(?:\.\d+)? ([A-Z][A-Z0-9_]+)\s/gm)].map((m) => m[1]!);
  assert.ok(rules.length > 0, `no rules read from the report:\n${report.slice(-2000)}`);
  // Rules a message of ours could earn: hidden low-contrast text, HTML without a text part,
  // a text part that says something else than the HTML.
  for (const rule of ['HTML_FONT_LOW_CONTRAST', 'MIME_HTML_ONLY', 'MPART_ALT_DIFF', 'MPART_ALT_DIFF_COUNT'])
    assert.ok(!rules.includes(rule), `${rule} hit: ${rules.join(' ')}`);
  // A list message: List-Id, List-Unsubscribe and Precedence are recognised.
  assert.ok(rules.includes('MAILING_LIST_MULTI'), rules.join(' '));
  assert.ok(score <= -0.5, `score ${score} (${rules.join(' ')})`);
});
