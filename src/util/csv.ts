/**
 * Streaming CSV (RFC 4180 quotes: a quoted field may hold commas, quotes and
 * newlines). A record is parsed as its characters arrive, so memory stays at
 * one record however large the file; a record longer than the cap is skipped
 * (up to its end) and reported by its line and its first characters, because a
 * 60 MB "line" is a broken file, not a subscriber.
 */
import { createReadStream } from 'node:fs';

/** Longest record accepted, in characters. */
export const MAX_RECORD_CHARS = 64 * 1024;
/** How much of an over-long record an error message shows. */
export const SHOWN_CHARS = 200;

/** One record (its fields, trimmed) or, for a record over the cap, why it was skipped; `line` is where it starts. */
export type CsvRecord = { line: number; fields: string[]; error?: undefined } | { line: number; fields?: undefined; error: string };

/** Parse one CSV record held in a string. */
export function parseCsvLine(line: string): string[] {
  const p = new RecordParser();
  for (const c of line) p.push(c);
  return p.finish();
}

class RecordParser {
  fields: string[] = [];
  cur = '';
  quoted = false;
  length = 0;
  shown = '';
  /** Feed one character; returns false once the record is over the cap. */
  push(c: string): boolean {
    this.length += c.length;
    if (this.shown.length < SHOWN_CHARS) this.shown += c;
    if (this.length > MAX_RECORD_CHARS) return false;
    if (this.quoted) {
      if (c === '"') this.quoted = false;
      else this.cur += c;
    } else if (c === '"') {
      // `""` inside quotes: the closing quote then an opening one gives one literal quote.
      if (this.lastWasQuoteClose) this.cur += '"';
      this.quoted = true;
    } else if (c === ',') {
      this.fields.push(this.cur);
      this.cur = '';
    } else this.cur += c;
    this.lastWasQuoteClose = c === '"' && !this.quoted;
    return true;
  }
  lastWasQuoteClose = false;
  finish(): string[] {
    this.fields.push(this.cur);
    return this.fields.map((s) => s.trim());
  }
}

/** Records of a CSV file with the line each starts on, read as a stream (quoted newlines joined, a leading BOM dropped). */
export async function* csvRecords(file: string): AsyncGenerator<CsvRecord> {
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  let parser = new RecordParser();
  let line = 1;
  let start = 1;
  let skipping = false;
  let blank = true;
  let first = true;
  let out: CsvRecord[] = [];
  const end = () => {
    if (skipping) {
      out.push({
        line: start,
        error: `record longer than ${MAX_RECORD_CHARS / 1024} KB, skipped; it starts ${JSON.stringify(`${parser.shown}…`)}`,
      });
    } else if (!blank) out.push({ line: start, fields: parser.finish() });
    parser = new RecordParser();
    skipping = false;
    blank = true;
    start = line;
  };
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      let text = chunk;
      if (first) {
        text = text.replace(/^\uFEFF/, '');
        first = false;
      }
      for (const c of text) {
        if (c === '\n') {
          line++;
          // A newline ends the record unless it is inside quotes; an over-long record ends at the next newline.
          if (skipping || !parser.quoted) {
            end();
            continue;
          }
        }
        if (skipping) continue;
        // CRLF files: the CR goes, in quoted newlines too (as readline did).
        if (c === '\r') continue;
        if (blank && c.trim()) blank = false;
        if (!parser.push(c)) skipping = true;
      }
      if (out.length) {
        yield* out;
        out = [];
      }
    }
    line++;
    end();
    yield* out;
  } finally {
    input.destroy();
  }
}
