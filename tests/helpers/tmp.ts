/**
 * Test helpers: temporary folders and a fixed clock.
 */
import { afterFile } from './cleanup.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder, removed after the test file finishes (tests/helpers/cleanup.ts). */
export function tempDir(prefix = 'digest-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterFile(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The fixed instant tests use: 2024-07-15 08:30 in Asia/Shanghai (after the 07:00 cut-off). */
export const FIXED_NOW = new Date('2024-07-15T00:30:00.000Z');

/** A clock that always says `at`. */
export function fixedClock(at: Date = FIXED_NOW): () => Date {
  return () => at;
}
