/**
 * Pure text normalization for Chinese bulletins, one concern per module:
 * paragraphs (hard line breaks, page-cut paragraphs), titles (colons,
 * issuer/headline split), attachments, canonical links, fingerprints, HTML
 * and text, and the repairs of sanitized HTML. Other ingest modules import
 * from here.
 */
export { ATTACHMENT_LINE, extractAttachments } from './attachments.ts';
export { canonicalLink } from './links.ts';
export { contentKey, fingerprint, stableId } from './fingerprint.ts';
export { repairHtml } from './html-repair.ts';
export { decodeEntities, htmlToText, textToHtml } from './html-text.ts';
export { isCutParagraph, joinHardBreaks } from './paragraphs.ts';
export { normalizeTitle, splitIssuer } from './titles.ts';
