/**
 * The preference centre, `…/preferences?u=ID&t=TOKEN` (signed per
 * subscriber; every issue's footer and the unsubscribe page link here).
 * GET shows the form; POST saves the sections and the pause, starts an
 * address change (confirmed at the new address) or unsubscribes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { confirmUrl, readPreferencesParams, verifyFields } from '../deliver/index.ts';
import { errorMessage } from '../errors.ts';
import { validateEmail } from '../store/index.ts';
import type { Subscriber } from '../types.ts';
import { chosenSections, sectionBoxes, sendPage, sibling, type SubscriptionDeps } from './pages.ts';
import { maskEmail, readBody } from './unsubscribe.ts';

/** The most issues one can pause at once (a year of weekly issues). */
const MAX_PAUSE = 52;

/** Answer `…/preferences`. */
export async function handlePreferences(req: IncomingMessage, res: ServerResponse, url: URL, deps: SubscriptionDeps): Promise<void> {
  const method = req.method ?? 'GET';
  const tpl = deps.templates;
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    res.setHeader('Allow', 'GET, HEAD, POST');
    return sendPage(res, method, 405, deps, 'notice', { heading: tpl.fmt('invalidHeading'), paragraphs: [] });
  }
  const body = method === 'POST' ? new URLSearchParams(await readBody(req)) : null;
  const p = readPreferencesParams(url.searchParams);
  const s = p ? deps.subscribers.byId(p.id) : undefined;
  if (!p || !s || !verifyFields(deps.secret, 'preferences', [s.id, s.email], p.token)) {
    return sendPage(res, method, 403, deps, 'notice', {
      heading: tpl.fmt('invalidHeading'),
      paragraphs: [tpl.fmt('invalidBody')],
      link: { href: sibling(url.pathname, 'subscribe'), label: tpl.fmt('startAgain') },
    });
  }
  const vars = { title: deps.title, email: maskEmail(s.email) };
  const back = { href: `${url.pathname.split('/').pop()}${url.search}`, label: tpl.fmt('backToPreferences') };
  if (s.status !== 'active' && s.status !== 'pending') {
    return sendPage(res, method, 200, deps, 'notice', {
      heading: tpl.fmt('preferencesHeading'),
      paragraphs: [s.status === 'unsubscribed' ? tpl.fmt('unsubscribedBody', vars) : tpl.fmt('notSubscribedBody')],
      link: { href: sibling(url.pathname, 'subscribe'), label: tpl.fmt('startAgain') },
    });
  }
  const showForm = (status = 200, error?: string, chosen = s.sections) =>
    sendPage(res, method, status, deps, 'preferences', {
      heading: tpl.fmt('preferencesHeading'),
      intro: tpl.fmt('preferencesIntro', vars),
      sections: sectionBoxes(deps.sections, chosen),
      pause: s.pausedIssues,
      pausedNote: s.pausedIssues ? tpl.fmt('pausedNote', { n: s.pausedIssues }) : null,
      maskedEmail: maskEmail(s.email),
      error,
    });
  if (!body) return showForm();
  const now = deps.now().toISOString();
  if (body.get('action') === 'unsubscribe') {
    deps.subscribers.unsubscribeId(s.id, now);
    deps.log?.(`preferences: subscriber ${s.id} (${maskEmail(s.email)}) unsubscribed`);
    return sendPage(res, method, 200, deps, 'notice', {
      heading: tpl.fmt('unsubscribedHeading'),
      paragraphs: [tpl.fmt('unsubscribedBody', vars)],
    });
  }
  const sections = chosenSections(body, deps.sections);
  if (sections === undefined) return showForm(400, tpl.fmt('noSections'), []);
  const pause = Math.min(MAX_PAUSE, Math.max(0, Number.parseInt(body.get('pause') ?? '0', 10) || 0));
  const raw = (body.get('email') ?? '').trim();
  let newEmail: string | null = null;
  if (raw && raw.toLowerCase() !== s.email.toLowerCase()) {
    try {
      newEmail = validateEmail(raw, 'email');
    } catch {
      return showForm(400, tpl.fmt('invalidEmail'), sections);
    }
  }
  deps.subscribers.setPreferences(s.id, { sections, pausedIssues: pause }, now);
  deps.log?.(`preferences: subscriber ${s.id} saved (sections ${sections?.join(',') ?? 'all'}, pause ${pause})`);
  const paragraphs = [tpl.fmt('savedBody')];
  if (newEmail) {
    paragraphs.push(tpl.fmt('changeSentBody'));
    deps.subscribers.requestEmailChange(s.id, newEmail, now);
    // Rate-limited like sign-ups: the form must not become a way to mail-bomb an address.
    if (deps.limits.perAddress.take(newEmail.toLowerCase())) void mailChange(s, newEmail, deps);
  }
  sendPage(res, method, 200, deps, 'notice', { heading: tpl.fmt('savedHeading'), paragraphs, link: back });
}

async function mailChange(s: Subscriber, email: string, deps: SubscriptionDeps): Promise<void> {
  const expires = new Date(deps.now().getTime() + deps.confirmHours * 3_600_000);
  try {
    await deps.mail({
      kind: 'change',
      to: { id: s.id, email, name: s.name },
      url: confirmUrl(deps.publicBase, deps.secret, s.id, email, expires, true),
      vars: { hours: deps.confirmHours },
    });
  } catch (err) {
    deps.log?.(`preferences: cannot mail the address change of subscriber ${s.id}: ${errorMessage(err)}`);
  }
}
