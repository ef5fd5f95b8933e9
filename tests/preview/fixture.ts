/**
 * A preview running in-process on a temp copy of sample sources and the
 * templates (so tests can edit them), with a fixed clock, real SQLite, and a
 * real SMTP server (smtp-server) as the configured transport.
 *
 * The samples are a small cut of the shipped ones (tests/fixtures/preview-samples:
 * the same three feeds and inbox, 16 items in all four sections) unless a test asks for
 * the shipped set (`samples: 'shipped'`, a 67-item issue): every action reloads
 * the page with two email frames, and Chromium's layout of a real-size issue
 * made each reload cost several times the CPU a dozen items need.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import { ingestStep, type Context } from '../../src/cycle/index.ts';
import { startPreview, type RunningPreview } from '../../src/preview/index.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { sampleSources, TEST_SECRET } from '../helpers/config.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { fixedClock } from '../helpers/tmp.ts';

/** The test addresses "Send test" goes to. */
export const TEST_RECIPIENTS = ['editor@example.org', 'chief@example.org'];

/** A running test preview and everything around it. */
export interface PreviewFixture {
  dir: string;
  configFile: string;
  templates: string;
  inbox: string;
  ctx: Context & { store: SqliteStore };
  smtp: TestSmtp;
  running: RunningPreview;
  logs: string[];
  close(): Promise<void>;
}

/** The config the fixture writes; `extra` replaces top-level keys. */
export function fixtureConfig(dir: string, smtpUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    publication: { title: '信息摘编', baseUrl: 'https://example.org/digest/', timezone: 'Asia/Shanghai' },
    schedule: { cron: '0 7 * * *', requireApproval: false },
    store: { path: join(dir, 'digest.db') },
    output: { dir: join(dir, 'out') },
    render: { templates: join(dir, 'templates') },
    selection: { maxAgeDays: 3650 },
    sources: sampleSources(join(dir, 'samples'), '编辑来稿'),
    subscribers: [{ email: 'alice@example.org', name: '爱丽丝' }],
    delivery: {
      from: '信息摘编 <digest@example.org>',
      unsubscribeSecret: TEST_SECRET,
      smtp: { url: smtpUrl, pool: false },
      testRecipients: TEST_RECIPIENTS,
    },
    ...extra,
  };
}

/** Where each sample set is: the shipped samples, or the small cut of them for action tests. */
const SAMPLES = {
  shipped: join(ROOT, 'config/samples'),
  small: join(ROOT, 'tests/fixtures/preview-samples'),
} as const;

/**
 * Copy samples and templates into a temp dir, ingest the samples, run
 * `prepare` (to plant items), then start the preview on a free port.
 */
export async function startFixture(
  opts: {
    extra?: Record<string, unknown>;
    prepare?: (ctx: Context, dir: string) => void;
    /** `small` (default): tests/fixtures/preview-samples; `shipped`: config/samples, a real-size issue. */
    samples?: keyof typeof SAMPLES;
  } = {},
): Promise<PreviewFixture> {
  // Removed by close(): tempDir()'s after-hook would fire early when called from a before() hook.
  const dir = mkdtempSync(join(tmpdir(), 'digest-preview-'));
  cpSync(SAMPLES[opts.samples ?? 'small'], join(dir, 'samples'), { recursive: true });
  cpSync(join(ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
  mkdirSync(join(dir, 'out'));
  const smtp = await startSmtp();
  const configFile = join(dir, 'digest.yaml');
  writeFileSync(configFile, stringify(fixtureConfig(dir, smtp.url, opts.extra)));
  const config = loadConfig(configFile);
  const logs: string[] = [];
  const ctx: Context & { store: SqliteStore } = {
    config,
    store: openSqliteStore(config.store.path),
    now: fixedClock(),
    log: (l) => logs.push(l),
  };
  await ingestStep(ctx);
  opts.prepare?.(ctx, dir);
  const running = await startPreview(ctx, { port: 0, pollMs: 200, debounceMs: 60, reloadConfig: () => loadConfig(configFile) });
  await running.ready;
  return {
    dir,
    configFile,
    templates: join(dir, 'templates'),
    inbox: join(dir, 'samples/inbox'),
    ctx,
    smtp,
    running,
    logs,
    close: async () => {
      await running.close();
      ctx.store.close();
      await smtp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
