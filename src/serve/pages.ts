/**
 * What the subscription pages share: their dependencies, answering with a
 * rendered template, the client's IP, and the chosen sections of a form.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SubscriptionMailRequest, SubscriptionPage, SubscriptionTemplates } from '../deliver/index.ts';
import type { SubscriberRepository } from '../store/index.ts';
import type { SlidingLimit } from './limits.ts';
import { answer } from './unsubscribe.ts';

/** What sign-up, confirmation and the preference centre need. */
export interface SubscriptionDeps {
  subscribers: SubscriberRepository;
  secret: string;
  title: string;
  templates: SubscriptionTemplates;
  /** The configured sections, in issue order. */
  sections: { id: string; title: string }[];
  confirmHours: number;
  welcome: boolean;
  /** The public base of the service (`https://example.org/digest/`): links in mails start here. */
  publicBase: string;
  /** Sends a subscription mail (resolves when submitted). */
  mail: (req: SubscriptionMailRequest) => Promise<unknown>;
  /** A subscriber's one-click unsubscribe link. */
  unsubscribeUrl: (id: number, email: string) => string;
  limits: { perIp: SlidingLimit; perAddress: SlidingLimit };
  trustProxy: boolean;
  now: () => Date;
  log?: (line: string) => void;
}

/** Answer with a subscription page. */
export function sendPage(
  res: ServerResponse,
  method: string,
  status: number,
  deps: SubscriptionDeps,
  name: Exclude<SubscriptionPage, 'unsubscribe' | 'snippet'>,
  data: { heading: string } & Record<string, unknown>,
): void {
  answer(res, method, status, deps.templates.page(name, { title: deps.title, ...data }));
}

/** The client's IP: the socket's, or the last X-Forwarded-For hop when our own proxy sets it. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string' && forwarded.trim()) return forwarded.split(',').pop()!.trim();
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * The sections a form chose, as stored: null when all configured sections
 * are chosen (new sections then reach them too), undefined when none is.
 */
export function chosenSections(form: URLSearchParams, sections: SubscriptionDeps['sections']): string[] | null | undefined {
  const ids = new Set(form.getAll('sections'));
  const chosen = sections.filter((s) => ids.has(s.id)).map((s) => s.id);
  if (!chosen.length) return undefined;
  return chosen.length === sections.length ? null : chosen;
}

/** The section checkboxes of a form, ticked for `chosen` (null: all). */
export function sectionBoxes(sections: SubscriptionDeps['sections'], chosen: readonly string[] | null) {
  return sections.map((s) => ({ ...s, checked: chosen === null || chosen.includes(s.id) }));
}

/** The relative link from a page at `pathname` to a sibling endpoint (`preferences?…`), so prefixes keep working. */
export function sibling(pathname: string, target: string): string {
  return pathname.endsWith('/') ? `../${target}` : target;
}
