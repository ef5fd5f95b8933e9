/**
 * Snapshots of the rendered parts of two fixed issues: the seed issue (63
 * items, 《信息摘编》2024年第七期) and a small one with hostile and missing
 * fields. The email HTML is personalized for a fixed recipient, as sent.
 */
import { test } from 'vitest';
import { renderIssue } from '../../src/render/index.ts';
import { personalize } from '../../src/render/personalize.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import { loadIssue, renderOptions, TEMPLATES_DIR } from './fixtures.ts';
import { matchSnapshot } from './snapshot.ts';

const RECIPIENT = { name: '张三', unsubscribeUrl: 'https://example.org/digest/unsubscribe?s=42&t=0123456789abcdef' };

for (const [name, web] of [
  ['small-2024-07-15', true],
  ['seed-2024-07-15', false],
] as const) {
  test(`snapshot: ${name} email.html, email.txt${web ? ' and index.html' : ''}`, async () => {
    const rendered = await renderIssue(loadIssue(name), loadTemplates(TEMPLATES_DIR), renderOptions());
    const mail = personalize(rendered, RECIPIENT);
    matchSnapshot(`${name}.email.html`, mail.html);
    matchSnapshot(`${name}.email.txt`, mail.text);
    // The seed's web page (240 KB) is left out; the small issue covers the template.
    if (web) matchSnapshot(`${name}.index.html`, rendered.webHtml);
  });
}
