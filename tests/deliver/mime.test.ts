/**
 * The issue's MIME message, composed once and filled per recipient: decoded
 * parts must equal personalize()'s output for any name and link length (the
 * base64 alignment trick), and the message must parse as a proper
 * multipart/alternative with the list headers.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { simpleParser } from 'mailparser';
import { Base64Template, ByteWriter, IssueMessage, base64Lines } from '../../src/deliver/mime.ts';
import { unflow } from '../../src/render/text.ts';
import { personalize } from '../../src/render/personalize.ts';
import { TOKENS } from '../../src/render/view.ts';
import type { RenderedIssue } from '../../src/types.ts';

const URL_T = TOKENS.unsubscribeUrl;
const NAME_T = TOKENS.greetingName;

/** A deterministic pseudo-random generator, so a failure can be reproduced. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

function decode(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  const lines = text.split('\r\n');
  assert.equal(lines.pop(), '', 'ends with CRLF');
  for (const [i, line] of lines.entries()) {
    assert.ok(line.length <= 76, `line ${i} has ${line.length} characters`);
    if (i < lines.length - 1) assert.equal(line.length % 4, 0, `line ${i} is not whole base64 groups`);
    assert.match(line, /^[A-Za-z0-9+/]*={0,2}$/);
  }
  return Buffer.from(lines.join(''), 'base64').toString('utf8');
}

test('Base64Template decodes to the plain replacement for every alignment', () => {
  const random = rng(42);
  const words = ['信息摘编', 'abc', '工信部：', '\n', 'x', 'Ünïcödé ', '😀', '<p>', '&amp;'];
  for (let round = 0; round < 200; round++) {
    let template = '';
    const pieces = 1 + Math.floor(random() * 6);
    for (let p = 0; p < pieces; p++) {
      const n = Math.floor(random() * 120);
      for (let i = 0; i < n; i++) template += words[Math.floor(random() * words.length)];
      if (random() < 0.8) template += random() < 0.5 ? URL_T : NAME_T;
    }
    const values = new Map([
      [URL_T, `https://example.org/u?u=${Math.floor(random() * 1e6)}&t=${'x'.repeat(Math.floor(random() * 40))}`],
      [NAME_T, '张'.repeat(Math.floor(random() * 5)) + 'a'.repeat(Math.floor(random() * 4))],
    ]);
    const expected = template.replaceAll(URL_T, values.get(URL_T)!).replaceAll(NAME_T, values.get(NAME_T)!);
    const w = new ByteWriter(Buffer.alloc(8)); // tiny: the writer has to grow
    new Base64Template(template).renderInto(values, w);
    assert.equal(decode(w.written), expected, `round ${round}`);
  }
});

test('base64Lines wraps at 76 characters', () => {
  const out = base64Lines(Buffer.alloc(200, 0xe4)).toString('latin1');
  assert.deepEqual(
    out.split('\r\n').map((l) => l.length),
    [76, 76, 76, 40, 0],
  );
  assert.equal(base64Lines(Buffer.alloc(0)).length, 0);
});

const body = '<p>正文段落，包含政策与行业动态。</p>'.repeat(200);
const rendered: RenderedIssue = {
  subject: '信息摘编 2024年 第一期（总第一期）',
  preheader: '',
  emailHtml: `<html><body><p>${NAME_T}，您好</p>${body}<a href="${URL_T}">退订</a></body></html>`,
  emailText: `${NAME_T}，您好\n\n这一段很长，在这里软换行 \n接着写完。\n\n${'国际视野：正文。\n'.repeat(300)}\n退订：${URL_T}\n`,
  webHtml: '',
};
const list = {
  from: '信息摘编 <digest@example.org>',
  replyTo: 'editors@example.org',
  listId: '信息摘编 <digest.example.org>',
  unsubscribeMailto: 'digest@example.org',
};

test('IssueMessage: multipart/alternative, text first, list headers, personalized parts', async () => {
  const message = new IssueMessage(rendered, list);
  for (const r of [
    {
      email: 'alice@example.org',
      name: '爱丽丝 & "Co"',
      messageId: '<digest-2024-07-15-1-ab@example.org>',
      unsubscribeUrl: 'https://example.org/digest/unsubscribe?u=1&t=abc',
    },
    {
      email: 'bob@example.org',
      name: null,
      messageId: '<digest-2024-07-15-22-cd@example.org>',
      unsubscribeUrl: 'https://example.org/digest/unsubscribe?u=22&t=defgh',
    },
  ]) {
    const out = message.forRecipient(r, new Date('2024-07-15T00:30:00Z'));
    assert.deepEqual(out.envelope, { from: 'digest@example.org', to: r.email });
    const raw = out.raw.toString('latin1');
    assert.ok(/^[\x00-\x7f]*$/.test(raw), '7-bit clean');
    assert.ok(
      raw.split('\r\n').every((l) => l.length <= 78),
      'every line within 78 characters',
    );
    const headers = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
    assert.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    assert.ok(headers.includes(`List-Unsubscribe: <${r.unsubscribeUrl}>, <mailto:digest@example.org?subject=unsubscribe>`));
    assert.match(headers, /^List-Id: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <digest\.example\.org>$/m);
    assert.ok(headers.includes(`Message-ID: ${r.messageId}`));
    assert.match(headers, /^Date: Mon, 15 Jul 2024 00:30:00 \+0000$/m);
    assert.match(headers, /^Precedence: bulk$/m);

    const parsed = await simpleParser(out.raw);
    assert.equal(parsed.subject, rendered.subject);
    assert.equal(parsed.from?.value[0]?.address, 'digest@example.org');
    assert.equal(parsed.from?.value[0]?.name, '信息摘编');
    assert.equal(parsed.replyTo?.value[0]?.address, 'editors@example.org');
    const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
    assert.equal(to?.value[0]?.address, r.email);
    assert.equal(to?.value[0]?.name, r.name ?? '');
    assert.equal(parsed.messageId, r.messageId);
    const expected = personalize(rendered, { name: r.name, unsubscribeUrl: r.unsubscribeUrl });
    // The text part is format=flowed (DelSp=yes): a client that knows RFC 3676 (mailparser does)
    // joins the soft breaks into one line per paragraph.
    assert.match(raw, /Content-Type: text\/plain; charset=utf-8; format=flowed; delsp=yes\r\n/);
    // (mailparser drops the final line break when it unflows.)
    assert.equal(parsed.text, unflow(expected.text).trimEnd());
    assert.ok(parsed.text?.includes('\n这一段很长，在这里软换行接着写完。\n'), 'a soft break joins without a space');
    assert.equal(parsed.html, expected.html);
    assert.ok(raw.search(/Content-Type: text\/plain/) < raw.search(/Content-Type: text\/html/), 'text part first');
    assert.match(raw, /Content-Type: multipart\/alternative;\r\n boundary="----=_digest_[0-9a-f]+"/);
  }
});

test('IssueMessage: a test copy gets the subject prefix; control characters in a name never reach a header', async () => {
  const out = new IssueMessage(rendered, list, { subjectPrefix: '[TEST] ' }).forRecipient(
    {
      email: 'eve@example.org',
      name: 'Eve\r\nBcc: victim@example.org',
      messageId: '<t@example.org>',
      unsubscribeUrl: 'https://example.org/u',
    },
    new Date(),
  );
  const parsed = await simpleParser(out.raw);
  assert.equal(parsed.subject, `[TEST] ${rendered.subject}`);
  assert.equal(parsed.bcc, undefined);
  assert.ok(!out.raw.toString('latin1').includes('\r\nBcc:'));
});
