/**
 * Normalization of Chinese bulletin text, with cases from the seed issue
 * (《信息摘编》2024年第七期, text extracted from a PDF): hard line breaks,
 * paragraphs cut by page breaks, half-width colons, issuer/headline split,
 * 附：attachments, canonical links, and dates in Chinese and sloppy forms.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { parseDate } from '../../src/ingest/dates.ts';
import { parsePlainItems } from '../../src/ingest/inbox.ts';
import { buildItem } from '../../src/ingest/item.ts';
import {
  canonicalLink,
  contentKey,
  extractAttachments,
  joinHardBreaks,
  normalizeTitle,
  repairHtml,
  splitIssuer,
} from '../../src/ingest/normalize/index.ts';

const ZONE = 'Asia/Shanghai';

test('hard line breaks inside CJK text vanish; between Latin words they become a space', () => {
  assert.equal(
    joinHardBreaks('部署通过中央财政资金进一步支持专精\n特新中小企业高质量发展工作。'),
    '部署通过中央财政资金进一步支持专精特新中小企业高质量发展工作。',
  );
  assert.equal(joinHardBreaks('The quick brown\nfox jumps'), 'The quick brown fox jumps');
  assert.equal(joinHardBreaks('据中央广播电视总台\n  经济之声报道'), '据中央广播电视总台经济之声报道');
  assert.equal(joinHardBreaks('第一段。\r\n\r\n第二段。\n\n\n第三段。'), '第一段。\n\n第二段。\n\n第三段。');
});

test('a paragraph cut by a page break is joined, headings and new paragraphs are not', () => {
  const cut =
    '具体来看，《八条措施》主要包括：一是强化科创板“硬科技”定位；二是开展深化发行承销制度试点；五是完善股权激励制\n\n度；六是完善交易机制，防范市场风险。';
  assert.equal(joinHardBreaks(cut), cut.replace('\n\n', ''));
  // Short paragraphs without a full stop are headings.
  assert.equal(
    joinHardBreaks('构建高水平新型基础设施体系\n\n北京将全力服务保障国家实验室高质量运行。'),
    '构建高水平新型基础设施体系\n\n北京将全力服务保障国家实验室高质量运行。',
  );
  // A long paragraph ending properly is not joined; nor is a numbered paragraph or a 附 line.
  const ended = '报道称，今年前5个月，中国向俄罗斯交付了37.25万辆汽车，几乎是中国向墨西哥出口汽车数量的两倍。';
  assert.equal(joinHardBreaks(`${ended}\n\n在中国新能源汽车出口方面，巴西、比利时、英国位居前三。`).split('\n\n').length, 2);
  const open = '国务院国资委下一步将突出“体系化、任务型”定位，进一步发挥联合体功能作用、强化任务凝练、完善机制建设';
  assert.equal(joinHardBreaks(`${open}\n\n二、推动一批攻关成果用起来。`).split('\n\n').length, 2);
  assert.equal(joinHardBreaks(`${open}\n\n附：《关于组织开展大企业“发榜”中小企业“揭榜”工作的通知》`).split('\n\n').length, 2);
});

test('headline colons: `两部门: 标题` becomes `两部门：标题`; English colons stay', () => {
  assert.equal(normalizeTitle('两部门: 进一步支持专精特新中小企业高质量发展'), '两部门：进一步支持专精特新中小企业高质量发展');
  assert.equal(normalizeTitle('国家能源局 :  国家绿证核发交易系统上线运行'), '国家能源局：国家绿证核发交易系统上线运行');
  assert.equal(normalizeTitle('Update: version 2 is out'), 'Update: version 2 is out');
  // A space between two clauses is the headline's own separator; spaces next to 。！？ are noise.
  assert.equal(normalizeTitle('多部门：打造消费新场景  培育消费新增长点'), '多部门：打造消费新场景 培育消费新增长点');
  assert.equal(normalizeTitle('北京：超百亿元投资！ 出台硬核举措加快培育发展新动能'), '北京：超百亿元投资！出台硬核举措加快培育发展新动能');
});

test('issuer (发布机构) is split from the headline only when the prefix names one', () => {
  assert.deepEqual(splitIssuer('两部门: 进一步支持专精特新中小企业高质量发展'), {
    issuer: '两部门',
    headline: '进一步支持专精特新中小企业高质量发展',
  });
  assert.deepEqual(splitIssuer('日媒：中国风电专利竞争力跃居世界第一'), { issuer: '日媒', headline: '中国风电专利竞争力跃居世界第一' });
  assert.deepEqual(splitIssuer('12部门：联合开展专项行动'), { issuer: '12部门', headline: '联合开展专项行动' });
  assert.equal(splitIssuer('解读 6 月份 PMI 数据: 制造业景气度基本稳定 我国经济总体产出保持扩张').issuer, null);
  assert.equal(splitIssuer('俄罗斯成中国汽车最大出口市场').issuer, null);
  assert.equal(splitIssuer('《求是》：坚持系统观念').issuer, null);
  assert.equal(splitIssuer('Breaking: markets rally').issuer, null);
});

test('附： lines become attachments; several 《titles》 on one line become several', () => {
  assert.deepEqual(extractAttachments('正文。\n\n附：《关于进一步支持专精特新中小企业高质量发展的通知》'), {
    text: '正文。',
    attachments: ['《关于进一步支持专精特新中小企业高质量发展的通知》'],
  });
  assert.deepEqual(
    extractAttachments('正文。\n附：《光伏制造行业规范条件（2024 年本）》《光伏制造行业规范公告管理办法（2024 年本）》').attachments,
    ['《光伏制造行业规范条件（2024 年本）》', '《光伏制造行业规范公告管理办法（2024 年本）》'],
  );
  assert.deepEqual(extractAttachments('附件1：实施方案.pdf\n附件 2: 申报表').attachments, ['实施方案.pdf', '申报表']);
  assert.deepEqual(extractAttachments('附：国务院国资委启动第三批中央企业创新联合体建设').attachments, [
    '国务院国资委启动第三批中央企业创新联合体建设',
  ]);
  assert.equal(extractAttachments('附近的居民表示满意。').attachments.length, 0);
});

test('canonical links: tracking parameters and noise fragments go, meaning stays', () => {
  assert.equal(
    canonicalLink('<https://mp.weixin.qq.com/s/3FJ2eIXXXcqBSK7zkP57Gg?utm_source=x>'),
    'https://mp.weixin.qq.com/s/3FJ2eIXXXcqBSK7zkP57Gg',
  );
  assert.equal(
    canonicalLink('https://mp.weixin.qq.com/s?__biz=MzA&mid=22&idx=1&sn=abc&chksm=ff&scene=21&key=k&uin=u#wechat_redirect'),
    'https://mp.weixin.qq.com/s?__biz=MzA&mid=22&idx=1&sn=abc',
  );
  assert.equal(
    canonicalLink('HTTPS://News.Example.ORG/a?id=7&utm_medium=feed&fbclid=1&gclid=2&spm=a.b'),
    'https://news.example.org/a?id=7',
  );
  // `lang`/`version` are content elsewhere; a route in the fragment is the page.
  assert.equal(canonicalLink('https://example.org/doc?lang=zh&version=3'), 'https://example.org/doc?lang=zh&version=3');
  assert.equal(canonicalLink('https://spa.example.org/#/news/42'), 'https://spa.example.org/#/news/42');
  assert.equal(canonicalLink('/news/1.html', 'https://example.org/list/'), 'https://example.org/news/1.html');
  assert.equal(canonicalLink('javascript:alert(1)'), null);
  assert.equal(canonicalLink('not a url'), null);
});

test('dates: RFC 822 (sloppy too), ISO, SQL, Java, and Chinese forms; unreadable is null', () => {
  const cases: [string, string | null][] = [
    ['Wed, 19 Jun 2024 08:00:00 +0800', '2024-06-19T08:00:00.000+08:00'],
    ['Wed, 19 Jun 2024 08:00:00 +0000', '2024-06-19T08:00:00.000Z'],
    ['Fri, 31 Feb 2024 08:00:00 GMT', null], // no such day
    ['Sun, 19 Jun 2024 8:00:00 GMT+8', '2024-06-19T08:00:00.000+08:00'], // wrong weekday, one-digit hour
    ['Wed, 19 Jun 2024 08:00:00 CST', '2024-06-19T08:00:00.000+08:00'], // China Standard Time for a UTC+8 publication
    ['Fri, 20 Feb 2015 09:51:15 UTC', '2015-02-20T09:51:15.000Z'],
    ['Tue, 01 Oct 2019 14:30:00 PST', '2019-10-01T14:30:00.000-08:00'],
    ['Wed Jun 19 08:00:00 CST 2024', '2024-06-19T08:00:00.000+08:00'],
    ['2024-06-19T08:00:00+08:00', '2024-06-19T08:00:00.000+08:00'],
    ['2024-06-19T08:00:00', '2024-06-19T08:00:00.000+08:00'],
    ['2024-06-19 08:00:00', '2024-06-19T08:00:00.000+08:00'],
    ['2024年7月15日', '2024-07-15T00:00:00.000+08:00'],
    ['2024年07月15日 08:30', '2024-07-15T08:30:00.000+08:00'],
    ['２０２４年７月１５日　１０：３０', '2024-07-15T10:30:00.000+08:00'],
    ['二〇二四年七月十五日', '2024-07-15T00:00:00.000+08:00'],
    ['2024.06.16', '2024-06-16T00:00:00.000+08:00'],
    ['2024/7/5 8:05', '2024-07-05T08:05:00.000+08:00'],
    ['上周三下午', null],
    ['', null],
  ];
  for (const [raw, iso] of cases) assert.equal(parseDate(raw, ZONE), iso, raw);
});

test('feed HTML gets the same repairs as the text: CJK line breaks, cut paragraphs, 附 paragraphs', () => {
  const html =
    '<p>财政部、工业和信息化部近日联合印发通知，部署通过中央财政资金进一步支持专精\n特新中小企业，推动完善股权激励制</p>\n<p>度；六是完善交易机制。</p><p>附：《关于进一步支持专精特新中小企业高质量发展的通知》</p>';
  assert.equal(
    repairHtml(html),
    '<p>财政部、工业和信息化部近日联合印发通知，部署通过中央财政资金进一步支持专精特新中小企业，推动完善股权激励制度；六是完善交易机制。</p>',
  );
});

test('a seed item, end to end: issuer, outlet, date, attachment, canonical link, joined text', () => {
  const seed = `两部门: 进一步支持专精特新中小企业高质量发展

新京报 2024-06-19

财政部、工业和信息化部近日联合印发《关于进一步支持专精特新中小企业高质量发展的通知》，部署通过中央财政资金进一步支持专精
特新中小企业高质量发展工作。

附：《关于进一步支持专精特新中小企业高质量发展的通知》



<https://mp.weixin.qq.com/s/3FJ2eIXXXcqBSK7zkP57Gg?utm_source=rss&utm_medium=feed>
`;
  const [entry] = parsePlainItems(seed, 'seed.txt', 'inbox');
  const item = buildItem(entry!, '2024-07-15T00:30:00.000Z', ZONE);
  assert.equal(item.issuer, '两部门');
  assert.equal(item.title, '进一步支持专精特新中小企业高质量发展');
  assert.equal(item.outlet, '新京报');
  assert.equal(item.publishedAt, '2024-06-19T00:00:00.000+08:00');
  assert.deepEqual(item.attachments, ['《关于进一步支持专精特新中小企业高质量发展的通知》']);
  assert.equal(item.link, 'https://mp.weixin.qq.com/s/3FJ2eIXXXcqBSK7zkP57Gg');
  assert.equal(
    item.text,
    '财政部、工业和信息化部近日联合印发《关于进一步支持专精特新中小企业高质量发展的通知》，部署通过中央财政资金进一步支持专精特新中小企业高质量发展工作。',
  );
  assert.doesNotMatch(item.html, /附：/);
});

test('item dates: a feed date stands in for a missing one; a date far in the future is not believed', () => {
  const now = '2024-07-15T00:30:00.000Z';
  const base = { sourceId: 's', title: '工信部：测试', text: '正文。' };
  assert.equal(buildItem({ ...base, feedDate: '2024年7月14日 08:00' }, now, ZONE).publishedAt, '2024-07-14T08:00:00.000+08:00');
  assert.equal(buildItem({ ...base, date: '2099-01-01T00:00:00Z' }, now, ZONE).publishedAt, null);
  assert.equal(
    buildItem({ ...base, date: '看不懂的日期', feedDate: '2024-07-14' }, now, ZONE).publishedAt,
    null,
    'an unreadable date is not replaced by a guess',
  );
});

test('contentKey is exactly "lowercase, keep letters and digits" on any text (its fast paths change nothing)', () => {
  const reference = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  // Every kind of character the fast paths and the fallback meet: ASCII, CJK, full-width, Latin with
  // accents (and İ, which lowercases to two characters), Greek, combining marks, astral CJK and
  // emoji, lone surrogates, punctuation of both widths, digits of other scripts.
  const alphabet = [
    ...'aZ09 -_.,!?，。、“”（）《》：；两部门发布ＡＢｃ１２３ÄéİßΩλ\u0301①٣',
    '𠀀',
    '😀',
    '\ud800',
    '\udc00',
    '\u3000',
    '\u00a0',
  ];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % alphabet.length;
  };
  for (let n = 0; n < 2000; n++) {
    const s = Array.from({ length: n % 40 }, () => alphabet[next()]).join('');
    assert.equal(contentKey(s), reference(s), JSON.stringify(s));
  }
});

// Hang guards, not benchmarks (vitest's default 5 s timeout): before issue 15, a 1 MB body of
// hard-broken lines or of page-cut paragraphs took from 10 s to minutes (each step re-read or
// re-copied the text joined so far).
test('a 1 MB body of hard-broken lines and cut paragraphs is joined in one pass', { timeout: 30_000 }, () => {
  const line = '工业和信息化部等两部门联合发布关于推动新型基础设施建设的通知要求各地加快完善股权激励制';
  const lines = Array.from({ length: 8_000 }, () => line);
  assert.equal(joinHardBreaks(lines.join('\n')), lines.join(''));
  // Paragraphs ending mid-sentence, each followed by one that continues it: all one paragraph.
  assert.equal(joinHardBreaks(lines.join('\n\n')), lines.join(''));
  const html = lines.map((l) => `<p>${l}</p>`).join('\n');
  assert.equal(repairHtml(html), `<p>${lines.join('')}</p>`);
  const item = buildItem({ sourceId: 'big', title: '大文件', html }, '2024-07-15T00:00:00Z', ZONE);
  assert.equal(item.text, lines.join(''));
});
