/**
 * Per-recipient personalisation: fill the tokens left in the rendered issue.
 * Plain string replacement, so 100,000 recipients never recompile MJML.
 */
import type { RenderedIssue } from '../types.ts';
import { TOKENS } from './view.ts';

/** What differs per recipient. */
export interface Recipient {
  name: string | null;
  unsubscribeUrl: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Fill the tokens in the email parts for one recipient. */
export function personalize(rendered: RenderedIssue, r: Recipient): { html: string; text: string } {
  const name = r.name?.trim() || '读者';
  return {
    html: rendered.emailHtml.replaceAll(TOKENS.unsubscribeUrl, escapeHtml(r.unsubscribeUrl)).replaceAll(TOKENS.greetingName, escapeHtml(name)),
    text: rendered.emailText.replaceAll(TOKENS.unsubscribeUrl, r.unsubscribeUrl).replaceAll(TOKENS.greetingName, name),
  };
}
