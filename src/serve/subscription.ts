/**
 * Sign-up with double opt-in.
 *
 * - GET `…/subscribe`: the form (email, optional name, a box per section).
 * - POST `…/subscribe` (form-encoded `email`, `name`, repeated `sections`):
 *   stores a new address `pending` and mails it a confirmation link; the
 *   answer is the same "check your mailbox" page whatever the address was
 *   (new, pending, active, unsubscribed, blocked, erased), so the form tells
 *   nobody who is subscribed. An active address is mailed its preference
 *   centre instead. The honeypot field and the rate limits answer the same
 *   too (the per-IP limit with 429, as it concerns the asker, not the address).
 * - GET `…/confirm?u&x&t`: a page with one button; POST to the same URL
 *   activates (or moves to a new address). GETs change nothing: link
 *   scanners follow them. A forged, altered or expired link gets 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { confirmUrl, preferencesUrl, readConfirmParams, verifyFields } from '../deliver/index.ts';
import { errorMessage } from '../errors.ts';
import { validateEmail } from '../store/index.ts';
import type { Subscriber } from '../types.ts';
import { chosenSections, clientIp, sectionBoxes, sendPage, sibling, type SubscriptionDeps } from './pages.ts';
import { maskEmail, readBody } from './unsubscribe.ts';

const METHODS = 'GET, HEAD, POST';

function notAllowed(res: ServerResponse, method: string, deps: SubscriptionDeps): void {
  res.setHeader('Allow', METHODS);
  sendPage(res, method, 405, deps, 'notice', { heading: deps.templates.fmt('invalidHeading'), paragraphs: [] });
}

/** Answer `…/subscribe`. */
export async function handleSubscribe(req: IncomingMessage, res: ServerResponse, _url: URL, deps: SubscriptionDeps): Promise<void> {
  const method = req.method ?? 'GET';
  const { templates: tpl } = deps;
  const form = (extra: Record<string, unknown>, status = 200, chosen: string[] | null = null) =>
    sendPage(res, method, status, deps, 'subscribe', {
      heading: tpl.fmt('subscribeHeading', { title: deps.title }),
      intro: tpl.fmt('subscribeIntro', { title: deps.title }),
      sections: sectionBoxes(deps.sections, chosen),
      ...extra,
    });
  if (method === 'GET' || method === 'HEAD') return form({});
  if (method !== 'POST') return notAllowed(res, method, deps);
  const body = new URLSearchParams(await readBody(req));
  const raw = (body.get('email') ?? '').trim();
  const name = (body.get('name') ?? '').trim().slice(0, 100) || null;
  let email: string;
  try {
    email = validateEmail(raw, 'email');
  } catch {
    return form({ error: tpl.fmt('invalidEmail'), email: raw, name }, 400);
  }
  const sections = chosenSections(body, deps.sections);
  if (sections === undefined) return form({ error: tpl.fmt('noSections'), email, name }, 400, []);
  if (!deps.limits.perIp.take(clientIp(req, deps.trustProxy))) {
    return sendPage(res, method, 429, deps, 'notice', { heading: tpl.fmt('tooManyHeading'), paragraphs: [tpl.fmt('tooManyBody')] });
  }
  const checkMailbox = () =>
    sendPage(res, method, 200, deps, 'notice', {
      heading: tpl.fmt('checkHeading'),
      paragraphs: [tpl.fmt('checkBody', { email, hours: deps.confirmHours })],
    });
  // A bot fills every field, the hidden one too: it is told what a person is, and nothing is stored or sent.
  if ((body.get('website') ?? '') !== '') {
    deps.log?.('subscribe: honeypot filled; ignored');
    return checkMailbox();
  }
  const { outcome, subscriber } = deps.subscribers.signUp(email, name, sections, deps.now().toISOString());
  checkMailbox();
  // After answering, so how long the mail takes cannot tell one outcome from another.
  if (!subscriber || outcome === 'blocked' || outcome === 'suppressed') {
    deps.log?.(`subscribe: ${maskEmail(email)} ${outcome}; nothing sent`);
    return;
  }
  if (!deps.limits.perAddress.take(email.toLowerCase())) {
    deps.log?.(`subscribe: ${maskEmail(email)} over the per-address limit; nothing sent`);
    return;
  }
  await mailAfterSignUp(subscriber, outcome === 'active', deps);
}

async function mailAfterSignUp(s: Subscriber, active: boolean, deps: SubscriptionDeps): Promise<void> {
  try {
    if (active) {
      await deps.mail({
        kind: 'already',
        to: s,
        url: preferencesUrl(deps.publicBase, deps.secret, s.id, s.email),
        unsubscribeUrl: deps.unsubscribeUrl(s.id, s.email),
      });
    } else {
      const expires = new Date(deps.now().getTime() + deps.confirmHours * 3_600_000);
      await deps.mail({
        kind: 'confirm',
        to: s,
        url: confirmUrl(deps.publicBase, deps.secret, s.id, s.email, expires),
        vars: { hours: deps.confirmHours },
      });
    }
    deps.log?.(`subscribe: ${active ? 'preferences' : 'confirmation'} mail sent to subscriber ${s.id} (${maskEmail(s.email)})`);
  } catch (err) {
    deps.log?.(`subscribe: cannot mail subscriber ${s.id}: ${errorMessage(err)}`);
  }
}

/** The 403 of a link that is forged, altered or expired, with the way to start again. */
function invalidLink(res: ServerResponse, method: string, url: URL, deps: SubscriptionDeps): void {
  const tpl = deps.templates;
  sendPage(res, method, 403, deps, 'notice', {
    heading: tpl.fmt('invalidHeading'),
    paragraphs: [tpl.fmt('invalidBody')],
    link: { href: sibling(url.pathname, 'subscribe'), label: tpl.fmt('startAgain') },
  });
}

/** Answer `…/confirm?u&x&t[&c=1]`. */
export async function handleConfirm(req: IncomingMessage, res: ServerResponse, url: URL, deps: SubscriptionDeps): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return notAllowed(res, method, deps);
  if (method === 'POST') await readBody(req);
  const tpl = deps.templates;
  const p = readConfirmParams(url.searchParams);
  const s = p ? deps.subscribers.byId(p.id) : undefined;
  const address = p?.change ? (s ? deps.subscribers.pendingEmail(s.id) : null) : s?.email;
  const valid =
    p &&
    s &&
    address &&
    p.expires * 1000 > deps.now().getTime() &&
    verifyFields(deps.secret, p.change ? 'change' : 'confirm', [s.id, address, p.expires], p.token);
  if (!valid || !s || !address) return invalidLink(res, method, url, deps);
  const vars = { title: deps.title, email: maskEmail(address) };
  const prefs = { href: sibling(url.pathname, preferencesUrl('', deps.secret, s.id, address)), label: tpl.fmt('backToPreferences') };
  if (method !== 'POST') {
    return sendPage(res, method, 200, deps, 'notice', {
      heading: tpl.fmt(p.change ? 'changeHeading' : 'confirmHeading'),
      paragraphs: [tpl.fmt(p.change ? 'changeBody' : 'confirmBody', vars)],
      button: tpl.fmt(p.change ? 'changeButton' : 'confirmButton'),
    });
  }
  const now = deps.now().toISOString();
  if (p.change) {
    const outcome = deps.subscribers.confirmEmailChange(s.id, address, now);
    deps.log?.(`confirm: subscriber ${s.id} address change ${outcome}`);
    if (outcome !== 'changed')
      return sendPage(res, method, 409, deps, 'notice', { heading: tpl.fmt('changeHeading'), paragraphs: [tpl.fmt('changeTakenBody')] });
    return sendPage(res, method, 200, deps, 'notice', {
      heading: tpl.fmt('changedHeading'),
      paragraphs: [tpl.fmt('changedBody', vars)],
      link: prefs,
    });
  }
  const outcome = deps.subscribers.confirm(s.id, now);
  deps.log?.(`confirm: subscriber ${s.id} (${maskEmail(s.email)}) ${outcome}`);
  if (outcome === 'refused') {
    return sendPage(res, method, 403, deps, 'notice', { heading: tpl.fmt('invalidHeading'), paragraphs: [tpl.fmt('refusedBody')] });
  }
  sendPage(res, method, 200, deps, 'notice', {
    heading: tpl.fmt('confirmedHeading'),
    paragraphs: [tpl.fmt('confirmedBody', vars)],
    link: prefs,
  });
  if (outcome === 'activated' && deps.welcome) {
    deps
      .mail({
        kind: 'welcome',
        to: s,
        url: preferencesUrl(deps.publicBase, deps.secret, s.id, s.email),
        unsubscribeUrl: deps.unsubscribeUrl(s.id, s.email),
      })
      .catch((err: unknown) => deps.log?.(`confirm: cannot send the welcome mail to subscriber ${s.id}: ${errorMessage(err)}`));
  }
}
