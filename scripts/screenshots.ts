/**
 * `npm run screenshots`: render the seed issue (tests/fixtures/issues/) and
 * the archive, write them to docs/samples/, take 375 px screenshots of the
 * email and the web page in light and dark mode into docs/, and print the
 * figures the design is judged by (first item offset, page height, email
 * size, lowest contrast per scheme). Uses Debian's Chromium (/usr/bin/chromium).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderArchive, archiveEntry } from '../src/publish/archive.ts';
import { renderIssue } from '../src/render/index.ts';
import { personalize } from '../src/render/personalize.ts';
import { loadTemplates } from '../src/render/templates.ts';
import { loadIssue, renderOptions, TEMPLATES_DIR } from '../tests/render/fixtures.ts';
import { axe, launch, measure, openPage } from '../tests/render/page-metrics.ts';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'digest-shots-'));
const issue = loadIssue('seed-2024-07-15');
const opts = renderOptions();
const templates = loadTemplates(TEMPLATES_DIR);
const rendered = await renderIssue(issue, templates, opts);
const email = personalize(rendered, { name: '张三', unsubscribeUrl: 'https://example.org/digest/unsubscribe?s=1&t=abc' }).html;
const files = { email: join(work, 'email.html'), web: join(work, 'index.html'), archive: join(work, 'archive.html') };
writeFileSync(files.email, email);
writeFileSync(files.web, rendered.webHtml);
const p = opts.publication;
writeFileSync(
  files.archive,
  renderArchive([archiveEntry(issue)], { title: p.title, description: p.description, language: p.language, itemFeed: true }, templates),
);
mkdirSync(DOCS, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'digest-chromium-'));
const context = await launch(profile);
try {
  console.log(`subject: ${rendered.subject}\npreheader: ${rendered.preheader}\nemail: ${Buffer.byteLength(email)} bytes`);
  for (const [name, file] of Object.entries(files)) {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await openPage(context, file, scheme);
      const m = await measure(page);
      const violations = (await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      console.log(
        `${name} ${scheme}: first item at ${m.firstItem} px, page ${m.height} px, lowest contrast ${m.lowest.ratio}:1 ("${m.lowest.text}"), axe serious/critical: ${violations.map((v) => v.id).join(', ') || 'none'}`,
      );
      if (name !== 'archive')
        await page.screenshot({
          path: join(DOCS, `${name}-375-${scheme}.png`),
          clip: { x: 0, y: 0, width: 375, height: 1334 },
          fullPage: true,
        });
      await page.close();
    }
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
