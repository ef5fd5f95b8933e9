/**
 * Atomic file writes: write a temp file beside the target, flush it to disk,
 * then rename it over the target, so a crash (or a reader polling the feed
 * mid-write) never sees a half-written feed or page: it sees the old file or
 * the new one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// `.feed.xml.<pid>.<ms>.tmp`: hidden, so a crash leftover is easy to recognise (and to sweep).
const TEMP = /^\..+\.\d+\.\d+\.tmp$/;

/** Write `content` to `path` atomically (creating folders). */
export function writeAtomic(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      // Without fsync a power cut after the rename can leave an empty file under the new name.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Write atomically only when the content differs from what is there, so an
 * unchanged feed keeps its modification time (and web servers their ETag and
 * Last-Modified, which feed readers send back). Returns whether it wrote.
 */
export function writeIfChanged(path: string, content: string | Uint8Array): boolean {
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    if (readFileSync(path).equals(bytes)) return false;
  } catch {
    // Missing or unreadable: write it.
  }
  writeAtomic(path, content);
  return true;
}

/**
 * Remove temp files left in `dir` by a crashed writer, once they are older
 * than `olderThanMs` (a live writer's temp file lives for milliseconds).
 * Returns the names removed.
 */
export function sweepStaleTemps(dir: string, now: number, olderThanMs = 60 * 60 * 1000): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    if (!TEMP.test(name)) return false;
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs < olderThanMs) return false;
      rmSync(path, { force: true });
      return true;
    } catch {
      return false;
    }
  });
}
