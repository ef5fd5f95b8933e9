/**
 * Per-recipient personalisation: fill the tokens left in the rendered issue.
 * The email is compiled by MJML once per issue; for each recipient only the
 * tokens change, so 100,000 recipients never recompile MJML. The rendered
 * parts are split at their tokens once (cached per RenderedIssue); each
 * recipient then costs one string join per part.
 */
import { escapeHtml } from '../util/html.ts';
import type { RenderedIssue } from '../types.ts';
import { TOKENS } from './view.ts';

/** What differs per recipient. */
export interface Recipient {
  name: string | null;
  unsubscribeUrl: string;
  /** The signed preference centre; without one (test copies, previews) the unsubscribe page, which links there. */
  preferencesUrl?: string;
}

type TokenName = keyof typeof TOKENS;
/** A part split at its tokens: literal text and token names, alternating. */
type Pieces = (string | { token: TokenName })[];

/** The greeting when a subscriber has no name. */
export const DEFAULT_GREETING_NAME = '读者';

const TOKEN_NAMES = Object.keys(TOKENS) as TokenName[];
const TOKEN_RE = new RegExp(TOKEN_NAMES.map((n) => TOKENS[n]).join('|'), 'g');
const BY_VALUE = new Map(TOKEN_NAMES.map((n) => [TOKENS[n] as string, n]));

function split(s: string): Pieces {
  const pieces: Pieces = [];
  let last = 0;
  for (const m of s.matchAll(TOKEN_RE)) {
    pieces.push(s.slice(last, m.index), { token: BY_VALUE.get(m[0])! });
    last = m.index + m[0].length;
  }
  pieces.push(s.slice(last));
  return pieces;
}

function fill(pieces: Pieces, values: Record<TokenName, string>): string {
  let out = '';
  for (const p of pieces) out += typeof p === 'string' ? p : values[p.token];
  return out;
}

interface Split {
  html: string;
  text: string;
  htmlPieces: Pieces;
  textPieces: Pieces;
}
const cache = new WeakMap<RenderedIssue, Split>();

function splitOf(rendered: RenderedIssue): Split {
  const hit = cache.get(rendered);
  // The same strings as when split: reuse (a comparison of identical strings is a pointer check).
  if (hit && hit.html === rendered.emailHtml && hit.text === rendered.emailText) return hit;
  const fresh = {
    html: rendered.emailHtml,
    text: rendered.emailText,
    htmlPieces: split(rendered.emailHtml),
    textPieces: split(rendered.emailText),
  };
  cache.set(rendered, fresh);
  return fresh;
}

/** Fill the tokens in the email parts for one recipient. */
export function personalize(rendered: RenderedIssue, r: Recipient): { html: string; text: string } {
  const name = r.name?.trim() || DEFAULT_GREETING_NAME;
  const prefs = r.preferencesUrl ?? r.unsubscribeUrl;
  const parts = splitOf(rendered);
  return {
    html: fill(parts.htmlPieces, {
      unsubscribeUrl: escapeHtml(r.unsubscribeUrl),
      greetingName: escapeHtml(name),
      preferencesUrl: escapeHtml(prefs),
    }),
    text: fill(parts.textPieces, { unsubscribeUrl: r.unsubscribeUrl, greetingName: name, preferencesUrl: prefs }),
  };
}
