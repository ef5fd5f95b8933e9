/**
 * Loaded by vitest before every test file (vitest.config.ts `setupFiles`):
 * cleanups registered outside a test (tests/helpers/cleanup.ts) run after
 * the file's last test.
 */
import { afterAll } from 'vitest';
import { runFileCleanups } from './helpers/cleanup.ts';

afterAll(runFileCleanups);
