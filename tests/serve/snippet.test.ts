/**
 * `digest serve --form-snippet`: the embeddable sign-up form comes from
 * templates/subscription/snippet.hbs of the templates folder, with the
 * catalogue's texts, and escapes what it is given.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { loadSubscriptionTemplates } from '../../src/deliver/index.ts';
import { formSnippet } from '../../src/serve/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const SECTIONS = [
  { id: 'hot', title: '热点关注' },
  { id: 'w"x', title: '国际<观察>' },
];

test('the form posts to …/subscribe with a box per section, in the publication language, everything escaped', () => {
  const zh = formSnippet(
    'https://example.org/digest/',
    SECTIONS,
    loadSubscriptionTemplates(join(ROOT, 'templates'), 'zh-CN'),
    '信息<摘编>',
  );
  assert.match(zh, /^<!-- 信息&lt;摘编&gt;: sign-up form/);
  assert.match(zh, /<form method="post" action="https:\/\/example\.org\/digest\/subscribe" accept-charset="utf-8">/);
  assert.match(zh, /<label>电子邮箱 <input type="email" name="email" required/);
  assert.match(zh, /value="w&quot;x" checked> 国际&lt;观察&gt;<\/label>/);
  assert.match(zh, /name="website" tabindex="-1"/);
  const en = formSnippet('https://example.org/digest/', SECTIONS, loadSubscriptionTemplates(join(ROOT, 'templates'), 'en'), 'Digest');
  assert.match(en, /<button type="submit">Subscribe<\/button>/);
});

test('a restyled snippet.hbs in the templates folder changes the form', () => {
  const dir = tempDir();
  cpSync(join(ROOT, 'templates'), dir, { recursive: true });
  const file = join(dir, 'subscription', 'snippet.hbs');
  writeFileSync(file, readFileSync(file, 'utf8').replace('<form method="post"', '<form class="restyled" method="post"'));
  assert.match(
    formSnippet('https://example.org/', SECTIONS, loadSubscriptionTemplates(dir, 'zh-CN'), 'T'),
    /<form class="restyled" method="post"/,
  );
});
