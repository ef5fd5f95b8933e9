/**
 * The render stage: view model → Handlebars → MJML (once per issue) → email
 * HTML; the same view model → plain text and the web page. Pure apart from
 * MJML being async.
 */
import { DigestError } from '../errors.ts';
import type { Issue, RenderedIssue } from '../types.ts';
import { DEFAULT_EMAIL_MAX_BYTES, fitEmail, type EmailFit } from './fit.ts';
import type { Templates } from './templates.ts';
import { wrapText } from './text.ts';
import { issueView, type EmailShape, type IssueView, type PublicationView } from './view.ts';

// The render stage's entry: what other stages may use (besides what this module defines).
export type { EmailFit } from './fit.ts';
export { chineseNumeral, numberingLine } from './numerals.ts';
export { DEFAULT_GREETING_NAME, personalize, type Recipient } from './personalize.ts';
export { loadTemplates, type Templates } from './templates.ts';
export { cutAtSentence, issueView, TOKENS, type ItemView, type IssueView, type PublicationView } from './view.ts';

/** Options of one render. */
export interface RenderOptions {
  publication: PublicationView & { language: string };
  /** Email summaries are cut at a sentence end near this many characters. */
  summaryChars: number;
  /** Size budget of the email HTML (default 100,000 bytes, under Gmail's 102 KB clipping). */
  emailMaxBytes?: number;
  /** Neighbouring issue dates for the web page's navigation. */
  previous?: string | null;
  next?: string | null;
}

/** Compile MJML to HTML, strictly: any validation error fails the render. */
export async function compileMjml(mjml: string): Promise<string> {
  // Loaded on first use: a cold `require('mjml')` costs about a second, which
  // commands that never render (ingest, status, subscribers) should not pay.
  const { default: mjml2html } = await import('mjml');
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    result = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false });
  } catch (err) {
    const details = (err as { errors?: { formattedMessage: string }[] }).errors?.map((e) => e.formattedMessage).join('; ');
    throw new DigestError(
      `MJML rejected the email template: ${details ?? (err as Error).message}`,
      'fix templates/issue.mjml.hbs or its partials',
    );
  }
  if (!result.html) throw new DigestError('MJML produced no HTML', 'check templates/issue.mjml.hbs');
  return compactHtml(hidePreviewPlainly(result.html));
}

/**
 * MJML hides the preheader with white text on the page (`color:#ffffff`),
 * which SpamAssassin scores as hidden low-contrast text
 * (HTML_FONT_LOW_CONTRAST). display:none, zero size and opacity hide it
 * already; the colour only earns the penalty, so it goes.
 */
export function hidePreviewPlainly(html: string): string {
  return html.replace(/(<div style="display:none;font-size:1px;)color:#ffffff;/, '$1');
}

/**
 * Drop the indentation MJML and the templates leave (about a tenth of the
 * email). Only whitespace that holds a line break is touched: between two
 * tags it is removed, elsewhere (inside a tag, CSS, text) it becomes a single
 * line break, which HTML treats like the space it replaces. Text of the issue
 * never holds line breaks (summaries are flattened), so nothing visible
 * changes; a template that wants a space between two inline tags keeps them
 * on one line.
 */
export function compactHtml(html: string): string {
  return `${html
    .replace(/>\s*\n\s*</g, '><')
    .replace(/[ \t]*\n\s*/g, '\n')
    .trim()}\n`;
}

function templateData(issue: Issue, opts: RenderOptions, shape: EmailShape | number = opts.summaryChars) {
  const view = issueView(issue, opts.publication, shape);
  return { ...view, lang: opts.publication.language, previous: opts.previous ?? null, next: opts.next ?? null };
}

/** Render only the web page of an issue (no MJML): cheap, used to refresh feeds of older issues. */
export function renderWebPage(issue: Issue, templates: Templates, opts: RenderOptions): string {
  return templates.web(templateData(issue, opts));
}

/** An issue rendered, with its view model and how the email was fitted under the size budget. */
export type RenderResult = RenderedIssue & { view: IssueView; fit: EmailFit };

/**
 * Render an issue to its email HTML, text part and web page. The email (and
 * the text part, which mirrors it) is fitted under `emailMaxBytes`; the web
 * page always has everything in full.
 */
export async function renderIssue(issue: Issue, templates: Templates, opts: RenderOptions): Promise<RenderResult> {
  const email = await fitEmail(
    async (shape) => {
      const data = templateData(issue, opts, shape);
      return { html: await compileMjml(templates.email(data)), view: data as IssueView, data };
    },
    opts.summaryChars,
    opts.emailMaxBytes ?? DEFAULT_EMAIL_MAX_BYTES,
  );
  return {
    subject: email.view.subject,
    preheader: email.view.preheader,
    emailHtml: email.html,
    // format=flowed (src/deliver/mime.ts declares it): phones reflow the Chinese text.
    emailText: wrapText(templates.text(email.data), 72, true),
    webHtml: templates.web(templateData(issue, opts)),
    view: email.view,
    fit: email.fit,
  };
}
export { bookText, isBookStart, parseBookFields } from './book.ts';
