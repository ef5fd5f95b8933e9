/**
 * Keeping the email under Gmail's clipping limit (102 KB of HTML; a clipped
 * message also hides the unsubscribe link). The email is compiled with the
 * configured summary length; when it is too big, summaries are shortened (down
 * to MIN_SHARE of the configured length), then the last items are listed in
 * the table of contents only, linking to the web version, which always
 * carries the full text.
 */
import type { EmailShape, IssueView } from './view.ts';

/** Default budget: Gmail clips at 102 KB; the rest is headroom for the per-recipient URL and name. */
export const DEFAULT_EMAIL_MAX_BYTES = 100_000;
// Summaries are never shortened below this share of the configured length…
const MIN_SHARE = 0.6;
// …nor below this many characters (unless configured shorter).
const MIN_CHARS = 60;
// Markup of an item in the email body besides its texts and links (measured on the seed issue).
const ITEM_MARKUP_BYTES = 400;
const MAX_COMPILES = 8;

/** How an email was fitted. */
export interface EmailFit extends EmailShape {
  /** UTF-8 bytes of the email HTML (with tokens unfilled). */
  bytes: number;
  maxBytes: number;
  fits: boolean;
  /** MJML compiles it took (1 when the email fitted at once). */
  compiles: number;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** What one item frees when the email lists it in the table of contents only. */
function briefSaving(item: IssueView['sections'][number]['items'][number]): number {
  const texts = [item.fullTitle, item.meta ?? '', item.summary, ...item.attachments].reduce((n, t) => n + bytes(t), 0);
  // Its body links go; its table-of-contents link grows from `#item-N` to the web address.
  return texts + (item.link?.length ?? 0) + ITEM_MARKUP_BYTES - (item.webLink.length - item.anchor.length - 1);
}

/** The next, smaller shape to try, or null when nothing is left to shrink. */
function smaller(shape: EmailShape, view: IssueView, excess: number, floor: number): EmailShape | null {
  const items = view.sections.flatMap((s) => s.items);
  if (shape.summaryChars > floor) {
    // Shorten every summary in proportion; cutting at sentence ends then frees a little more.
    const summaryBytes = items.filter((i) => !i.brief).reduce((n, i) => n + bytes(i.summary), 0);
    const keep = summaryBytes > 0 ? 1 - (excess * 1.05) / summaryBytes : 0;
    return { ...shape, summaryChars: Math.max(floor, Math.floor(shape.summaryChars * keep)) };
  }
  let from = Math.min(shape.briefFrom, items.length + 1);
  if (from <= 1) return null;
  let saved = 0;
  for (const item of items.slice(0, from - 1).reverse()) {
    saved += briefSaving(item);
    from = item.position;
    if (saved >= excess * 1.05) break;
  }
  return { ...shape, briefFrom: from };
}

/**
 * Compile the email with the configured shape and shrink it until it fits
 * `maxBytes`. `compile` renders one shape; it is called at most MAX_COMPILES times.
 */
export async function fitEmail<R extends { html: string; view: IssueView }>(
  compile: (shape: EmailShape) => Promise<R>,
  summaryChars: number,
  maxBytes: number,
): Promise<R & { fit: EmailFit }> {
  const floor = Math.min(summaryChars, Math.max(MIN_CHARS, Math.round(summaryChars * MIN_SHARE)));
  let shape: EmailShape = { summaryChars, briefFrom: Infinity };
  let result = await compile(shape);
  let compiles = 1;
  while (bytes(result.html) > maxBytes && compiles < MAX_COMPILES) {
    const next = smaller(shape, result.view, bytes(result.html) - maxBytes, floor);
    if (!next) break;
    shape = next;
    result = await compile(shape);
    compiles++;
  }
  const size = bytes(result.html);
  return { ...result, fit: { ...shape, bytes: size, maxBytes, fits: size <= maxBytes, compiles } };
}
