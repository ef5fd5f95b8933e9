/**
 * `digest serve --form-snippet`: an HTML sign-up form another site can paste
 * in (`templates/subscription/snippet.hbs`, with the catalogue's texts). It
 * posts to the public `…/subscribe`, which answers with the same "check your
 * mailbox" page as the service's own form.
 */
import type { SubscriptionTemplates } from '../deliver/index.ts';

/** The embeddable form for the service at `publicBase`. */
export function formSnippet(
  publicBase: string,
  sections: { id: string; title: string }[],
  tpl: SubscriptionTemplates,
  title: string,
): string {
  return tpl.page('snippet', { title, action: `${publicBase}subscribe`, sections });
}
