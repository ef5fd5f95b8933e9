/**
 * What a reader on a phone meets, measured in Chromium (playwright-core):
 * where the first item's headline starts, how long the page is, the lowest
 * text contrast in the current colour scheme, and axe-core's verdict. Shared
 * by tests/render/design.e2e.test.ts and scripts/screenshots.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium.ts';

/** Start a headless Chromium with its own throwaway profile directory. */
export async function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Open a local file at a phone size in one colour scheme. */
export async function openPage(
  context: BrowserContext,
  file: string,
  scheme: 'light' | 'dark',
  size = { width: 375, height: 667 },
): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(size);
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`file://${file}`);
  return page;
}

/** The lowest contrast of any visible text, and where it is. */
export interface Contrast {
  ratio: number;
  text: string;
}

/** Layout figures of a page. */
export interface Metrics {
  /** Top of the first item's headline (`#item-1`), in CSS px from the top of the page. */
  firstItem: number;
  /** Height of the whole page. */
  height: number;
  lowest: Contrast;
}

/**
 * Measure a page. Contrast is computed for every visible text node: its
 * colour against the first opaque background found walking up (WCAG 2
 * relative luminance); hidden text (the preheader, zero size) is skipped.
 */
export async function measure(page: Page): Promise<Metrics> {
  // A string, not a function: tsx (esbuild) would wrap inner functions in a `__name` helper the page lacks.
  return page.evaluate(MEASURE) as Promise<Metrics>;
}

const MEASURE = `(() => {
  const parse = (c) => { const m = (c.match(/[\\d.]+/g) || []).map(Number); return [m[0] || 0, m[1] || 0, m[2] || 0, m[3] ?? 1]; };
  const lum = ([r, g, b]) => { const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4); return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c[3] > 0.5) return c; } return [255, 255, 255, 1]; };
  let lowest = { ratio: 21, text: '' };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = (n.textContent || '').trim();
    const el = n.parentElement;
    if (!text || !el) continue;
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    if (r.width < 2 || r.height < 2 || st.visibility === 'hidden' || Number(st.opacity) === 0 || el.closest('[aria-hidden="true"]')) continue;
    if (parseFloat(st.fontSize) < 2 || st.display === 'none' || parseFloat(st.maxHeight) === 0) continue;
    const a = lum(parse(st.color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < lowest.ratio) lowest = { ratio: Math.round(ratio * 100) / 100, text: text.slice(0, 30) };
  }
  const first = document.querySelector('#item-1');
  return { firstItem: first ? Math.round(first.getBoundingClientRect().top + scrollY) : -1, height: Math.round(document.documentElement.scrollHeight), lowest };
})()`;

/** One axe-core violation, reduced to what a report needs. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** Run axe-core (WCAG 2 A/AA rules) in the page; returns its violations. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  // Added once per page: a page shared by several checks does not parse axe-core's half megabyte again.
  if (!(await page.evaluate(`typeof axe !== 'undefined'`))) {
    const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.addScriptTag({ content: source });
  }
  return page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + ((n.failureSummary || '').split('\\n')[1] || '')) })))`) as Promise<
    AxeViolation[]
  >;
}
