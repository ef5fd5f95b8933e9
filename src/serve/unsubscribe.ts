/**
 * The unsubscribe endpoint behind every `List-Unsubscribe` link.
 *
 * - POST `…/unsubscribe?u=ID&t=TOKEN` (RFC 8058 one-click: mail clients send
 *   the body `List-Unsubscribe=One-Click`; the confirmation page's button does
 *   too): unsubscribes at once and answers 200, no further interaction.
 * - GET the same URL: a confirmation page with a button that POSTs. A GET
 *   never unsubscribes by itself: link scanners and previewers follow GETs.
 *
 * The token is verified against the subscriber's id and address (HMAC), so a
 * link cannot be altered to unsubscribe someone else. Unknown ids and bad
 * tokens get the same answer, which tells nothing about who is subscribed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readUnsubscribeParams, verifyUnsubscribeToken } from '../deliver/index.ts';
import { escapeHtml } from '../util/html.ts';
import type { SubscriberRepository } from '../store/index.ts';

/** What the endpoint needs. */
export interface UnsubscribeDeps {
  subscribers: SubscriberRepository;
  secret: string;
  /** The publication's title, shown on the pages. */
  title: string;
  /** Where people can write to instead (the List-Unsubscribe mailto). */
  mailto: string;
  now: () => Date;
  log?: (line: string) => void;
  /** The subscriber's preference centre, relative to the unsubscribe URL (the confirmation page links there). */
  preferencesHref?: (subscriberId: number, email: string) => string;
}

/** The largest request body read (a one-click POST is 26 bytes). */
const MAX_BODY = 8 * 1024;

/** Headers for every answer: never cached, indexed or framed; the token never leaks as a Referer. */
export const PAGE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex, nofollow',
};

/** `al***@example.org`: enough for people to recognise their address, not to harvest it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  return `${local.slice(0, Math.min(2, Math.max(1, local.length - 1)))}***${email.slice(at)}`;
}

function page(title: string, heading: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(heading)} · ${escapeHtml(title)}</title>
<style>body{font:16px/1.7 -apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:32rem;margin:12vh auto;padding:0 1.25rem;color:#1a1a1a;background:#fff}
h1{font-size:1.35rem;margin:0 0 .25rem}p{margin:.75rem 0}.pub{color:#8b0000;font-weight:600;letter-spacing:.1em}
button{font:inherit;padding:.55rem 1.4rem;border:0;border-radius:4px;background:#8b0000;color:#fff;cursor:pointer}button:focus{outline:3px solid #f4b400}
@media (prefers-color-scheme:dark){body{background:#121212;color:#e8e8e8}.pub{color:#ff8a80}}</style></head>
<body><p class="pub">${escapeHtml(title)}</p><h1>${escapeHtml(heading)}</h1>
${body}
</body></html>
`;
}

/** Write an HTML answer with the page headers. */
export function answer(res: ServerResponse, method: string, status: number, html: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    ...PAGE_HEADERS,
    ...extra,
  });
  res.end(method === 'HEAD' ? undefined : html);
}

/** Read (and discard beyond MAX_BODY) a request body; resolves to what was read. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

/** Is this request for the unsubscribe endpoint (any path ending in `/unsubscribe`, so it works behind a prefix)? */
export function isUnsubscribePath(pathname: string): boolean {
  return /(^|\/)unsubscribe\/?$/.test(pathname);
}

/** Answer a request to the unsubscribe endpoint. */
export async function handleUnsubscribe(req: IncomingMessage, res: ServerResponse, url: URL, deps: UnsubscribeDeps): Promise<void> {
  const method = req.method ?? 'GET';
  const { title } = deps;
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    return answer(res, method, 405, page(title, '不支持的请求', '<p>请使用邮件中的退订链接。</p>'), { Allow: 'GET, HEAD, POST' });
  }
  const body = method === 'POST' ? await readBody(req) : '';
  const params = readUnsubscribeParams(url.searchParams);
  const mailto = `<a href="mailto:${escapeHtml(deps.mailto)}?subject=unsubscribe">${escapeHtml(deps.mailto)}</a>`;
  if (!params) {
    return answer(
      res,
      method,
      400,
      page(
        title,
        '退订链接不完整',
        `<p>这个链接缺少退订所需的信息（例如来自测试邮件，或链接被截断）。请使用您收到的邮件底部的退订链接，或发送邮件至 ${mailto} 申请退订。</p>`,
      ),
    );
  }
  const subscriber = deps.subscribers.byId(params.subscriberId);
  if (!subscriber || !verifyUnsubscribeToken(deps.secret, subscriber.id, subscriber.email, params.token)) {
    return answer(
      res,
      method,
      403,
      page(title, '退订链接无效', `<p>这个退订链接无效或已被改动。请使用您收到的邮件中的链接，或发送邮件至 ${mailto} 申请退订。</p>`),
    );
  }
  const who = escapeHtml(maskEmail(subscriber.email));
  if (method === 'POST') {
    // RFC 8058 clients send `List-Unsubscribe=One-Click`; a POST with a valid token is a deliberate request either way.
    const outcome = deps.subscribers.unsubscribeId(subscriber.id, deps.now().toISOString());
    const oneClick = /(^|&|\r\n|")List-Unsubscribe(=|"\r\n\r\n)One-Click/.test(body);
    deps.log?.(
      `unsubscribe: subscriber ${subscriber.id} (${maskEmail(subscriber.email)}) ${outcome === 'unsubscribed' ? 'unsubscribed' : 'was already unsubscribed'}${oneClick ? ' (one-click)' : ''}`,
    );
    return answer(
      res,
      method,
      200,
      page(title, '您已退订', `<p>${who} 已退订，今后不会再收到本刊邮件。</p><p>如果是误操作，请联系编辑部重新订阅。</p>`),
    );
  }
  if (subscriber.status === 'unsubscribed') {
    return answer(res, method, 200, page(title, '您已退订', `<p>${who} 已经退订，今后不会再收到本刊邮件。</p>`));
  }
  return answer(
    res,
    method,
    200,
    page(
      title,
      '确认退订',
      `<p>确认后，${who} 将不再收到本刊邮件。</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">确认退订</button></form>${
        deps.preferencesHref
          ? `\n<p>只想少收一些？<a href="${escapeHtml(deps.preferencesHref(subscriber.id, subscriber.email))}">选择栏目或暂停接收</a></p>`
          : ''
      }`,
    ),
  );
}
