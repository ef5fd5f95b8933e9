/**
 * Decoding feed bytes to text before parsing (rss-parser only knows Node's
 * built-in encodings, so GBK would become mojibake).
 *
 * Precedence: the HTTP `charset`, then the XML declaration, then a BOM, then
 * UTF-8. Two exceptions, both about evidence the bytes cannot lie about:
 * a UTF-16 BOM always wins (an 8-bit declaration cannot even be read in
 * UTF-16), and a declared UTF-8 that the bytes are not valid UTF-8 for gives
 * way to the next declaration (Chinese servers often send a blanket
 * `charset=utf-8` for GBK files). With no declaration at all and bytes that
 * are not UTF-8, the bytes are sniffed: GB18030 when they pair up like
 * Chinese double-byte text, else Windows-1252.
 *
 * GB2312 and GBK are read as GB18030 (a superset, as browsers do); Big5 as
 * Big5-HKSCS; anything else iconv-lite knows works too. Decoding uses the
 * runtime's WHATWG TextDecoder (ICU) where it knows the charset — the same
 * decoders browsers use, with no start-up cost — and iconv-lite for the rest
 * (building iconv-lite's GBK tables alone took ~40 ms per thread).
 */
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';

/** Map a declared charset label to the decoder we use for it. */
export function decoderFor(label: string): string {
  const l = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  if (
    [
      'gb2312',
      'gbk',
      'gb_2312-80',
      'gb_2312',
      'x-gbk',
      'cp936',
      'windows-936',
      'ms936',
      'euc-cn',
      'csgb2312',
      'iso-ir-58',
      'chinese',
      'gb18030',
    ].includes(l)
  ) {
    return 'gb18030';
  }
  if (['big5', 'big5-hkscs', 'x-x-big5', 'cn-big5', 'csbig5', 'cp950'].includes(l)) return 'big5hkscs';
  if (l === 'utf8' || l === 'unicode-1-1-utf-8') return 'utf-8';
  // Browsers read Latin-1 labels as Windows-1252, whose 0x80–0x9F are printable (“smart quotes”).
  if (['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'us-ascii', 'ascii', 'l1', 'cp819'].includes(l)) return 'windows-1252';
  return l;
}

/** The charset parameter of a Content-Type header, if any. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1]! : null;
}

/** The encoding in an XML declaration (read as ASCII from the first bytes). */
export function charsetFromXmlDeclaration(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const m = /^(?:\xEF\xBB\xBF)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(head);
  return m ? m[1]! : null;
}

/** The encoding a byte order mark announces, if there is one. */
export function charsetFromBom(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as UTF-8 text, or null when they are not valid UTF-8 (one pass: validating is decoding). */
function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The Chinese decoders TextDecoder takes over, by their WHATWG labels (its
 * big5 is Big5-HKSCS). Only these: Node 20 decodes `windows-1252` as Latin-1
 * (nodejs/node#56542), and single-byte tables cost iconv-lite nothing.
 */
const WHATWG_LABEL: Record<string, string> = { gb18030: 'gb18030', big5hkscs: 'big5' };

const textDecoders = new Map<string, TextDecoder | null>();

/**
 * The TextDecoder for a decoder name (made once, then reused: checking that a
 * charset can be decoded and decoding it ask for the same one), or null when
 * it is not one of ours or the runtime (built without ICU) has none.
 */
function textDecoder(decoder: string): TextDecoder | null {
  const label = WHATWG_LABEL[decoder];
  if (!label) return null;
  let found = textDecoders.get(label);
  if (found === undefined) {
    try {
      found = new TextDecoder(label);
    } catch {
      found = null;
    }
    textDecoders.set(label, found);
  }
  return found;
}

/** Can this decoder name be decoded (by TextDecoder or iconv-lite)? */
function canDecode(decoder: string): boolean {
  return textDecoder(decoder) !== null || iconv.encodingExists(decoder);
}

/**
 * Guess the charset of undeclared, non-UTF-8 bytes. In GBK/GB18030 Chinese
 * text nearly every byte ≥ 0x81 starts a pair whose second byte is also high
 * (GB2312 hanzi are 0xA1–0xF7 + 0xA1–0xFE); in Latin-1 text high bytes stand
 * alone between ASCII letters.
 */
export function sniffLegacyCharset(bytes: Uint8Array): 'gb18030' | 'windows-1252' {
  let pairs = 0;
  let singles = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const next = bytes[i + 1] ?? 0;
    if (b >= 0x81 && b <= 0xfe && next >= 0x40 && next !== 0x7f && next <= 0xfe && (next >= 0x80 || b >= 0xa1)) {
      // A GBK lead byte with a plausible trail byte; a trail below 0x80 only counts after a GB2312-range lead.
      if (next >= 0x80) pairs++;
      else singles++;
      i++;
    } else {
      singles++;
    }
  }
  return pairs > 0 && pairs >= singles * 4 ? 'gb18030' : 'windows-1252';
}

/** Where the charset used came from (reported, so a wrong guess can be traced). */
export type CharsetOrigin = 'http' | 'xml' | 'bom' | 'default' | 'sniffed';

const ORIGIN_NAMES: Record<CharsetOrigin, string> = {
  http: 'HTTP Content-Type',
  xml: 'XML declaration',
  bom: 'byte order mark',
  default: 'UTF-8 default',
  sniffed: 'byte pattern',
};

/** Decoded feed text. */
export interface Decoded {
  text: string;
  /** The decoder actually used, e.g. `gb18030`. */
  charset: string;
  origin: CharsetOrigin;
}

/**
 * Decode feed bytes. Returns the text (without BOM, which breaks XML parsers)
 * and the charset actually used. Throws naming the charset if it is unknown.
 */
export function decodeFeed(bytes: Uint8Array, contentType?: string | null): Decoded {
  const bom = charsetFromBom(bytes);
  const declared: [string, CharsetOrigin][] = [];
  const fromHttp = charsetFromContentType(contentType);
  const fromXml = charsetFromXmlDeclaration(bytes);
  if (bom?.startsWith('utf-16')) declared.push([bom, 'bom']);
  if (fromHttp) declared.push([fromHttp, 'http']);
  if (fromXml) declared.push([fromXml, 'xml']);
  if (bom) declared.push([bom, 'bom']);

  let chosen: [string, CharsetOrigin] | undefined;
  let unknown: string | null = null;
  // Decoding 100 KB of Chinese takes ~0.5 ms: the UTF-8 check's result is kept, not decoded again.
  let utf8: string | null | undefined;
  const asUtf8 = () => {
    if (utf8 === undefined) utf8 = utf8OrNull(bytes);
    return utf8;
  };
  for (const [label, origin] of declared) {
    const decoder = decoderFor(label);
    if (!canDecode(decoder)) {
      // An unknown label in the header may still be backed by a usable XML declaration.
      unknown ??= `"${label}" (from the ${ORIGIN_NAMES[origin]})`;
      continue;
    }
    // A UTF-8 claim the bytes contradict gives way to the next declaration, if any.
    if (
      decoder === 'utf-8' &&
      origin !== 'bom' &&
      declared.some(([l, o]) => o !== origin && decoderFor(l) !== 'utf-8') &&
      asUtf8() === null
    )
      continue;
    chosen = [decoder, origin];
    break;
  }
  if (!chosen && unknown) throw new Error(`unknown charset ${unknown}; iconv-lite cannot decode it`);
  if (!chosen) chosen = asUtf8() !== null ? ['utf-8', 'default'] : [sniffLegacyCharset(bytes), 'sniffed'];

  const [charset, origin] = chosen;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text =
    charset === 'utf-8' ? (utf8 ?? buffer.toString('utf8')) : (textDecoder(charset)?.decode(buffer) ?? iconv.decode(buffer, charset));
  // The XML declaration may now lie about the encoding (text is a JS string); the parser ignores it.
  return { text: text.replace(/^\uFEFF/, ''), charset, origin };
}
