/**
 * A tiny HTML builder for the preview UI: every interpolated value is escaped
 * unless it is already `SafeHtml` built by `html` itself. Item titles, reasons
 * and error messages come from feeds, editors and templates, so nothing is
 * ever concatenated into markup by hand.
 */
import { escapeHtml } from '../util/html.ts';

/** Markup that is already safe (built by `html`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A value `html` accepts: text (escaped), markup, or lists of them; null/false/undefined print nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function toMarkup(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(toMarkup).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<p>${text}</p>\`` escapes `text`. Attribute values must be quoted with "". */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (const [i, v] of values.entries()) out += toMarkup(v) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** A link target only when it is an absolute http(s) URL; `javascript:` and friends become null. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
