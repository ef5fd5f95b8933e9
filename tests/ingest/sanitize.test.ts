/**
 * Hostile feed HTML is sanitized before it is stored: an allowlist; no
 * script, iframe, object/embed, forms, event handlers, javascript:/data:
 * links, CSS expressions or tracking pixels; safe images and links stay.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { ingestAll } from '../../src/ingest/index.ts';
import { isTrackingPixel, sanitize } from '../../src/ingest/sanitize.ts';
import { decodeFeed } from '../../src/ingest/charset.ts';
import { parseFeed } from '../../src/ingest/feed.ts';
import { ROOT } from '../helpers/cli.ts';
import { referenceSanitize } from '../helpers/sanitize-reference.ts';
import { ingestDeps } from './helpers.ts';

const BASE = 'https://news.example.org/2024/07/article.html';

const CASES: [string, string, string][] = [
  ['script', '<p>a<script>alert(1)</script>b</p>', '<p>ab</p>'],
  [
    'event handlers',
    '<p onclick="x()" onmouseover="y()">t</p><img src="https://i.example.org/a.jpg" onerror="z()">',
    '<p>t</p><img src="https://i.example.org/a.jpg" />',
  ],
  ['iframe', '<p>v</p><iframe src="https://evil.example/x">fallback</iframe>', '<p>v</p>'],
  ['object/embed/applet', '<object data="x.swf"><param name="a" value="b"><embed src="x.swf"></object><applet code="A"></applet>ok', 'ok'],
  [
    'forms',
    '<form action="https://evil.example"><input name="pw"><select><option>1</option></select><button>go</button><textarea>t</textarea></form>after',
    'after',
  ],
  ['javascript: links', '<a href="javascript:alert(1)">x</a> <a href="JaVaScRiPt:alert(1)">y</a>', 'x y'],
  ['obfuscated javascript:', '<a href=" jav&#x09;ascript:alert(1)">x</a><a href="&#106;avascript:alert(1)">y</a>', 'xy'],
  ['vbscript: and data: links', '<a href="vbscript:msgbox(1)">v</a><a href="data:text/html;base64,PHNjcmlwdD4=">d</a>', 'vd'],
  ['data: images', '<img src="data:image/png;base64,iVBORw0KGgo=">', ''],
  ['inline styles and CSS expressions', '<p style="width:expression(alert(1));background:url(javascript:alert(1))">s</p>', '<p>s</p>'],
  [
    'style and link elements',
    '<style>p{behavior:url(x.htc)}</style><link rel="stylesheet" href="https://evil.example/x.css"><p>t</p>',
    '<p>t</p>',
  ],
  ['svg and math with script', '<svg onload="x()"><script>alert(1)</script></svg><math><mi>x</mi></math>t', 't'],
  ['meta refresh and base', '<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/">t', 't'],
  ['1×1 tracking pixel', '<p>t<img src="https://t.example/i.png" width="1" height="1"></p>', '<p>t</p>'],
  ['zero-size pixel', '<img src="https://t.example/x.png" width="0" height="0">t', 't'],
  ['feedburner beacon', '<img src="https://feeds.feedburner.com/~r/Blog/~4/abc123">t', 't'],
  ['named beacon path', '<img src="https://stats.example.org/pixel.gif?id=1">t', 't'],
  [
    'safe image kept, relative made absolute',
    '<img src="../img/photo.jpg" alt="照片" width="600">',
    '<img src="https://news.example.org/2024/img/photo.jpg" alt="照片" width="600" />',
  ],
  [
    'safe link kept, made absolute, tracking removed, no referrer',
    '<a href="/policy/1.html?id=7&utm_source=rss&utm_medium=feed" target="_blank">政策</a>',
    '<a href="https://news.example.org/policy/1.html?id=7" rel="noopener noreferrer">政策</a>',
  ],
  [
    'mailto link kept',
    '<a href="mailto:editor@example.org">来信</a>',
    '<a href="mailto:editor@example.org" rel="noopener noreferrer">来信</a>',
  ],
  [
    'protocol-relative resolves against the page',
    '<a href="//cdn.example.org/x">x</a>',
    '<a href="https://cdn.example.org/x" rel="noopener noreferrer">x</a>',
  ],
  ['h1 becomes h2 (the issue owns h1)', '<h1>标题</h1>', '<h2>标题</h2>'],
  ['comments and conditional comments', '<!--[if IE]><script>alert(1)</script><![endif]--><p>t</p>', '<p>t</p>'],
  [
    'tables keep their structure',
    '<table><tr><td colspan="2" style="x">1</td></tr></table>',
    '<table><tr><td colspan="2">1</td></tr></table>',
  ],
];

for (const [name, input, expected] of CASES) {
  test(`sanitize: ${name}`, () => {
    assert.equal(sanitize(input, BASE), expected);
  });
}

test('sanitize without a base drops relative links and images (a mail reader could not follow them)', () => {
  assert.equal(sanitize('<a href="/x">x</a><img src="/y.png">', null), 'x');
});

test('tracking pixels are told from real images', () => {
  assert.ok(isTrackingPixel({ src: 'https://a.example/x.gif', width: '1px', height: '1px' }));
  assert.ok(isTrackingPixel({ src: 'https://hm.baidu.com/hm.gif?si=1' }));
  assert.ok(!isTrackingPixel({ src: 'https://a.example/photos/open-day.jpg', width: '640', height: '480' }));
  assert.ok(!isTrackingPixel({ src: 'https://a.example/chart.png', width: '100%' }));
});

test('a hostile feed is stored sanitized, with its safe image and link', async () => {
  const deps = ingestDeps({ sources: [{ id: 'h', type: 'rss', url: join(ROOT, 'tests/fixtures/feeds/hostile.rss') }] });
  const [r] = await ingestAll(deps);
  assert.deepEqual([r!.status, r!.new], ['fetched', 1]);
  const { html, text } = deps.store.db.prepare('SELECT html, text FROM items').get() as { html: string; text: string };
  assert.doesNotMatch(
    html,
    /<script|<iframe|<object|<embed|<form|<input|<button|<svg|<style|<meta|\son\w+=|javascript:|data:|expression\(|style=|pixel\.gif|feedburner/i,
  );
  assert.match(html, /<img src="https:\/\/hostile\.example\.org\/img\/photo\.jpg" alt="照片" \/>/);
  assert.match(html, /<a href="https:\/\/hostile\.example\.org\/news\/relative\/2\.html" rel="noopener noreferrer">相对链接<\/a>/);
  assert.match(text, /正文第一段。/);
  assert.doesNotMatch(text, /alert|steal|登录/);
  assert.ok(readFileSync(join(ROOT, 'tests/fixtures/feeds/hostile.rss'), 'utf8').includes('<script>'), 'the fixture really is hostile');
});

/** Every entry body of every real feed at hand: the corpus (tests/fixtures/corpus), the samples, the test fixtures. */
function realBodies(): string[] {
  const dirs = [join(ROOT, 'tests/fixtures/corpus/feeds'), join(ROOT, 'config/samples/feeds'), join(ROOT, 'tests/fixtures/feeds')].filter(
    existsSync,
  );
  return dirs.flatMap((dir) =>
    readdirSync(dir).flatMap((f) => {
      try {
        return parseFeed(decodeFeed(readFileSync(join(dir, f)), null).text).entries.map((e) => e.body);
      } catch {
        return [];
      }
    }),
  );
}

test('sanitize writes exactly what sanitize-html (the reference) writes, on every real feed body', () => {
  const bodies = realBodies();
  assert.ok(bodies.length > 200, `bodies found: ${bodies.length}`);
  for (const body of bodies) {
    for (const base of [BASE, null]) assert.equal(sanitize(body, base), referenceSanitize(body, base), body.slice(0, 200));
  }
});

test('sanitize writes exactly what sanitize-html writes on 10,000 documents of hostile and broken fragments', () => {
  const fragments = [
    '<p>',
    '</p>',
    '<a href="javascript:x()">',
    '<a href="/rel?utm_source=x&id=1" title="t&quot;q">',
    '<a title="">',
    '</a>',
    '<img src="x.png" alt="">',
    '<img src="//cdn.example/y.gif" width="1">',
    '<img src="data:image/png;base64,AA">',
    '<script>alert(1)</script>',
    '<style>x</style>',
    '<svg><a href="x">s</a></svg>',
    '<h1 class="x">',
    '</h1>',
    '<table><tr><td colspan="2" rowspan="">',
    '</td></tr></table>',
    '<br>',
    '</br>',
    '<hr/>',
    '&amp;',
    '&lt;',
    '&nbsp;',
    '&#x3c;script&#x3e;',
    'text',
    '中文',
    '<!-- c -->',
    '<![CDATA[x]]>',
    '<div onclick="x">',
    '</div>',
    '<iframe src="x">',
    '</iframe>',
    '<noscript><p>n</p></noscript>',
    '<textarea><b>t</b></textarea>',
    '<b><i>',
    '</b>',
    '</i>',
    '<ul><li>',
    '<li>',
    '</ul>',
    '<title>t</title>',
    '<a href="mailto:a@example.org">',
    '<a href="  JaVa&#x09;script:alert(1)">',
    '<img src="https://ok.example/a.jpg" title="t" alt="a" onerror="x">',
    '<form><input></form>',
    '<object><param></object>',
    '<font color=red>',
    '</font>',
    '<p style="x:expression(1)">',
    '"',
    "'",
    '>',
    '<',
    '<a href=x>',
    '<img>',
    '<pre>\n x\n</pre>',
    '<math><mi>',
    '<template><p>t</p></template>',
    '<head><title>h</title></head>',
    '<select><option>o</option></select>',
    '<button>b</button>',
  ];
  let seed = 1;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  for (let k = 0; k < 10_000; k++) {
    const html = Array.from({ length: 1 + next(12) }, () => fragments[next(fragments.length)]).join(next(3) ? '' : ' ');
    const base = k % 2 ? BASE : null;
    assert.equal(sanitize(html, base), referenceSanitize(html, base), html);
  }
});
