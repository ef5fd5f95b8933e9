/**
 * A small XML element tree for feeds, built with saxes (a strict,
 * well-formedness-checking SAX parser, ~3× faster than sax, which xml2js
 * used). Only what feed reading needs: element names as written (prefix
 * included, no namespace resolution), attributes, and children in order.
 *
 * Strict where it matters and forgiving where real feeds are sloppy but the
 * structure is clear, as sax was: an unclosed or mismatched tag, text outside
 * the root or a truncated document is an error with its line and column;
 * control characters, a duplicate attribute or an odd XML declaration are not.
 */
import { SaxesParser } from 'saxes';

/** An element: its name as written (`dc:date`), attributes, and children (elements and text, CDATA included). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

/** Errors saxes reports that sax (and so the feeds' authors' tools) let pass; the tree is still sound. */
const TOLERATED =
  /^(?:disallowed character\.|duplicate attribute|encoding value must match|version number must match|standalone value must match|documents may contain only one root|an XML declaration must be at the start|the XML declaration must appear at the start)/;

/** Parse a document into its root element. Throws `malformed XML at line L, column C: …` on broken structure. */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false });
  let root: XmlElement | null = null;
  let done = false;
  const stack: XmlElement[] = [];
  let fatal = null as { line: number; column: number; message: string } | null;
  parser.on('error', (err) => {
    const m = /^(\d+):(\d+): ([\s\S]*)$/.exec(err.message);
    const message = m ? m[3]! : err.message;
    if (!fatal && !TOLERATED.test(message))
      fatal = { line: m ? Number(m[1]) : parser.line, column: m ? Number(m[2]) : parser.column, message };
  });
  parser.on('opentag', (tag) => {
    if (done || fatal) return;
    const element: XmlElement = { name: tag.name, attrs: tag.attributes as Record<string, string>, children: [] };
    if (stack.length) stack[stack.length - 1]!.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    if (done || fatal) return;
    stack.pop();
    // A second root after the first is ignored, as sax did.
    if (!stack.length) done = true;
  });
  const onText = (text: string) => {
    if (!done && !fatal && stack.length) stack[stack.length - 1]!.children.push(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.write(xml).close();
  if (fatal) {
    const { line, column, message } = fatal;
    // saxes counts the characters read on the line: the column of the last one, 0 at a line's start.
    throw new Error(`malformed XML at line ${line}, column ${Math.max(1, column)}: ${message.replace(/\.$/, '')}`);
  }
  if (!root) throw new Error('malformed XML: the document has no root element');
  return root;
}

/** The child elements named `name` (as written, prefix included). */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

/** The first child element named `name`. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const c of element.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

/** The element's own text (text and CDATA directly inside it), trimmed; null when empty. */
export function ownText(element: XmlElement | undefined): string | null {
  if (!element) return null;
  let text = '';
  for (const c of element.children) if (typeof c === 'string') text += c;
  return text.trim() || null;
}

/** All text inside the element, descendants included, trimmed; null when empty. */
export function deepText(element: XmlElement | undefined): string | null {
  if (!element) return null;
  const collect = (e: XmlElement): string => e.children.map((c) => (typeof c === 'string' ? c : collect(c))).join('');
  return collect(element).trim() || null;
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

/** HTML elements that never have content: written `<br/>`, as `<br></br>` reads as two breaks in HTML. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/**
 * Markup of an element (elements in a feed body are XHTML: Atom
 * `type="xhtml"`, unescaped HTML in RSS), written so that an HTML parser
 * reads it the same: void elements self-closed, all others with an end tag.
 */
function serialize(element: XmlElement): string {
  const attrs = Object.entries(element.attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  if (VOID.has(element.name.toLowerCase()) && !element.children.length) return `<${element.name}${attrs}/>`;
  return `<${element.name}${attrs}>${innerXml(element)}</${element.name}>`;
}

/** The element's content as markup: text escaped, child elements serialized. */
export function innerXml(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? escapeText(c) : serialize(c))).join('');
}

/**
 * A body element's content as the feed meant it: its text when it holds only
 * text (escaped HTML or plain text, CDATA included), its markup when it holds
 * elements. Trimmed; null when empty.
 */
export function content(element: XmlElement | undefined): string | null {
  if (!element) return null;
  return element.children.some((c) => typeof c !== 'string') ? innerXml(element).trim() || null : ownText(element);
}
