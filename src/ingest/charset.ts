/**
 * Decoding feed bytes to text before parsing. Precedence: the HTTP
 * `charset`, then the XML declaration, then a BOM, then UTF-8. GB2312 and GBK
 * are read as GB18030 (a superset, as browsers do); Big5 and other legacy
 * charsets go through iconv-lite.
 */
import iconv from 'iconv-lite';

/** Map a declared charset label to the decoder we use for it. */
export function decoderFor(label: string): string {
  const l = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (['gb2312', 'gbk', 'gb_2312-80', 'x-gbk', 'cp936', 'windows-936', 'euc-cn', 'csgb2312', 'gb18030'].includes(l)) return 'gb18030';
  if (['big5', 'big5-hkscs', 'x-x-big5', 'cn-big5', 'csbig5'].includes(l)) return 'big5hkscs';
  if (l === 'utf8') return 'utf-8';
  return l;
}

/** The charset parameter of a Content-Type header, if any. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  const m = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1]! : null;
}

/** The encoding in an XML declaration (read as ASCII from the first bytes). */
export function charsetFromXmlDeclaration(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const m = /^(?:\uFEFF|\xEF\xBB\xBF)?\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/.exec(head);
  return m ? m[1]! : null;
}

function charsetFromBom(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * Decode feed bytes. Returns the text (without BOM, which breaks XML parsers)
 * and the charset actually used. Throws naming the charset if it is unknown.
 */
export function decodeFeed(bytes: Uint8Array, contentType?: string | null): { text: string; charset: string } {
  const declared = charsetFromContentType(contentType) ?? charsetFromXmlDeclaration(bytes) ?? charsetFromBom(bytes) ?? 'utf-8';
  const charset = decoderFor(declared);
  if (!iconv.encodingExists(charset)) {
    throw new Error(`unknown charset "${declared}"`);
  }
  let text = iconv.decode(Buffer.from(bytes), charset, { stripBOM: true });
  // The XML declaration may now lie about the encoding (text is a JS string); the parser ignores it.
  text = text.replace(/^\uFEFF/, '');
  return { text, charset };
}
