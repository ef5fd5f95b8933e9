/**
 * The render stage: view model → Handlebars → MJML (once per issue) → email
 * HTML; the same view model → plain text and the web page. Pure apart from
 * MJML being async.
 */
import mjml2html from 'mjml';
import { DigestError } from '../errors.ts';
import type { Issue, RenderedIssue } from '../types.ts';
import type { Templates } from './templates.ts';
import { wrapText } from './text.ts';
import { issueView, type IssueView, type PublicationView } from './view.ts';

/** Options of one render. */
export interface RenderOptions {
  publication: PublicationView & { language: string };
  summaryChars: number;
  /** Neighbouring issue dates for the web page's navigation. */
  previous?: string | null;
  next?: string | null;
}

/** Compile MJML to HTML, strictly: any validation error fails the render. */
export async function compileMjml(mjml: string): Promise<string> {
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    result = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false });
  } catch (err) {
    const details = (err as { errors?: { formattedMessage: string }[] }).errors?.map((e) => e.formattedMessage).join('; ');
    throw new DigestError(`MJML rejected the email template: ${details ?? (err as Error).message}`, 'fix templates/issue.mjml.hbs or its partials');
  }
  if (!result.html) throw new DigestError('MJML produced no HTML', 'check templates/issue.mjml.hbs');
  return result.html;
}

function templateData(issue: Issue, opts: RenderOptions) {
  const view = issueView(issue, opts.publication, opts.summaryChars);
  return { ...view, lang: opts.publication.language, previous: opts.previous ?? null, next: opts.next ?? null };
}

/** Render only the web page of an issue (no MJML): cheap, used to refresh feeds of older issues. */
export function renderWebPage(issue: Issue, templates: Templates, opts: RenderOptions): string {
  return templates.web(templateData(issue, opts));
}

/** Render an issue to its email HTML, text part and web page. */
export async function renderIssue(issue: Issue, templates: Templates, opts: RenderOptions): Promise<RenderedIssue & { view: IssueView }> {
  const data = templateData(issue, opts);
  const view: IssueView = data;
  const emailHtml = await compileMjml(templates.email(data));
  return {
    subject: view.subject,
    preheader: view.preheader,
    emailHtml,
    emailText: wrapText(templates.text(data)),
    webHtml: templates.web(data),
    view,
  };
}
