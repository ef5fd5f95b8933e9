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
 * The pages are `templates/subscription/unsubscribe.hbs` with the texts of
 * the subscription catalogue (messages.yaml), in the publication's language.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readUnsubscribeParams, verifyUnsubscribeToken } from '../deliver/index.ts';
import type { SubscriptionTemplates } from '../deliver/index.ts';
import type { SubscriberRepository } from '../store/index.ts';

/** What the endpoint needs. */
export interface UnsubscribeDeps {
  subscribers: SubscriberRepository;
  secret: string;
  /** The publication's title, shown on the pages. */
  title: string;
  /** The pages' template and texts (templates/subscription/: unsubscribe.hbs, messages.yaml). */
  templates: SubscriptionTemplates;
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

/** What `templates/subscription/unsubscribe.hbs` shows besides the heading (every text from the catalogue). */
interface UnsubscribeView {
  paragraphs?: string[];
  /** A paragraph with the editors' address as a mailto link: the text before and after it. */
  mailto?: { address: string; before: string; after: string };
  /** The label of the button that POSTs the one-click body. */
  button?: string;
  /** The subscriber's preference centre ("just want fewer emails?"). */
  preferencesHref?: string;
}

function page(deps: UnsubscribeDeps, heading: string, view: UnsubscribeView): string {
  return deps.templates.page('unsubscribe', { title: deps.title, heading, ...view });
}

/** A catalogue text with `{mailto}` split around the address, so the template can make it a link. */
function mailtoParagraph(deps: UnsubscribeDeps, key: string): UnsubscribeView['mailto'] {
  const [before = '', after = ''] = deps.templates.fmt(key, { mailto: '\u0000' }).split('\u0000');
  return { address: deps.mailto, before, after };
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
  const tpl = deps.templates;
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    const html = page(deps, tpl.fmt('unsubscribeMethodHeading'), { paragraphs: [tpl.fmt('unsubscribeMethodBody')] });
    return answer(res, method, 405, html, { Allow: 'GET, HEAD, POST' });
  }
  const body = method === 'POST' ? await readBody(req) : '';
  const params = readUnsubscribeParams(url.searchParams);
  if (!params) {
    const html = page(deps, tpl.fmt('unsubscribeIncompleteHeading'), { mailto: mailtoParagraph(deps, 'unsubscribeIncompleteBody') });
    return answer(res, method, 400, html);
  }
  const subscriber = deps.subscribers.byId(params.subscriberId);
  if (!subscriber || !verifyUnsubscribeToken(deps.secret, subscriber.id, subscriber.email, params.token)) {
    const html = page(deps, tpl.fmt('unsubscribeInvalidHeading'), { mailto: mailtoParagraph(deps, 'unsubscribeInvalidBody') });
    return answer(res, method, 403, html);
  }
  const vars = { email: maskEmail(subscriber.email) };
  if (method === 'POST') {
    // RFC 8058 clients send `List-Unsubscribe=One-Click`; a POST with a valid token is a deliberate request either way.
    const outcome = deps.subscribers.unsubscribeId(subscriber.id, deps.now().toISOString());
    const oneClick = /(^|&|\r\n|")List-Unsubscribe(=|"\r\n\r\n)One-Click/.test(body);
    deps.log?.(
      `unsubscribe: subscriber ${subscriber.id} (${maskEmail(subscriber.email)}) ${outcome === 'unsubscribed' ? 'unsubscribed' : 'was already unsubscribed'}${oneClick ? ' (one-click)' : ''}`,
    );
    const html = page(deps, tpl.fmt('unsubscribedHeading'), {
      paragraphs: [tpl.fmt('unsubscribedBody', vars), tpl.fmt('unsubscribeUndoNote')],
    });
    return answer(res, method, 200, html);
  }
  if (subscriber.status === 'unsubscribed') {
    return answer(res, method, 200, page(deps, tpl.fmt('unsubscribedHeading'), { paragraphs: [tpl.fmt('unsubscribeAlreadyBody', vars)] }));
  }
  const html = page(deps, tpl.fmt('unsubscribeConfirmHeading'), {
    paragraphs: [tpl.fmt('unsubscribeConfirmBody', vars)],
    button: tpl.fmt('unsubscribeConfirmButton'),
    preferencesHref: deps.preferencesHref?.(subscriber.id, subscriber.email),
  });
  return answer(res, method, 200, html);
}
