/**
 * `digest serve --form-snippet`: an HTML sign-up form another site can paste
 * in. It posts to the public `…/subscribe`, which answers with the same
 * "check your mailbox" page as the service's own form.
 */
import { escapeHtml } from '../util/html.ts';
import type { SubscriptionTemplates } from '../deliver/index.ts';

/** The embeddable form for the service at `publicBase`. */
export function formSnippet(
  publicBase: string,
  sections: { id: string; title: string }[],
  tpl: SubscriptionTemplates,
  title: string,
): string {
  const e = escapeHtml;
  const boxes = sections
    .map((s) => `    <label><input type="checkbox" name="sections" value="${e(s.id)}" checked> ${e(s.title)}</label>`)
    .join('\n');
  return `<!-- ${e(title)}: sign-up form (double opt-in; the honeypot field "website" must stay hidden and empty) -->
<form method="post" action="${e(`${publicBase}subscribe`)}" accept-charset="utf-8">
  <label>${e(tpl.fmt('emailLabel'))} <input type="email" name="email" required autocomplete="email"></label>
  <label>${e(tpl.fmt('nameLabel'))} <input type="text" name="name" maxlength="100" autocomplete="name"></label>
  <div style="position:absolute;left:-10000px" aria-hidden="true"><input type="text" name="website" tabindex="-1" autocomplete="off"></div>
  <fieldset><legend>${e(tpl.fmt('sectionsLegend'))}</legend>
${boxes}
  </fieldset>
  <button type="submit">${e(tpl.fmt('subscribeButton'))}</button>
</form>
`;
}
