/**
 * A temporary configuration for CLI tests: the bundled sample sources, with
 * the store and output inside a temp folder.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ROOT } from './cli.ts';
import { tempDir } from './tmp.ts';

/** An unsubscribe secret strong enough for SMTP and `digest serve` (as `openssl rand -base64 32` makes them); fixed so tests can sign links. */
export const TEST_SECRET = 'q7VJ3kz0Rt9wXb2LmN8pHc5YdF1gAe6uTs4oKi0Ww+E=';

/** The bundled sample sources (three feeds and the inbox), read from `samples` (config/samples or a copy). */
export function sampleSources(samples: string, inboxName?: string): Record<string, unknown>[] {
  return [
    { id: 'policy', type: 'rss', name: '政策速递', url: join(samples, 'feeds/policy.rss') },
    { id: 'world', type: 'rss', name: '国际视野样例', url: join(samples, 'feeds/world-gbk.rss') },
    { id: 'regions', type: 'rss', name: '地方动态样例', url: join(samples, 'feeds/regions.atom') },
    { id: 'inbox', type: 'inbox', ...(inboxName ? { name: inboxName } : {}), path: join(samples, 'inbox') },
  ];
}

/** Write a config file in a new temp dir; `extra` is merged at the top level. */
export function sampleConfig(extra: Record<string, unknown> = {}): { dir: string; file: string } {
  const dir = tempDir();
  const config = {
    publication: { title: '信息摘编', baseUrl: 'https://example.org/digest/', timezone: 'Asia/Shanghai' },
    store: { path: join(dir, 'digest.db') },
    output: { dir: join(dir, 'out') },
    render: { templates: join(ROOT, 'templates') },
    selection: { maxAgeDays: 3650 },
    sources: sampleSources(join(ROOT, 'config/samples')),
    subscribers: [{ email: 'alice@example.org', name: '爱丽丝' }, { email: 'bob@example.org' }],
    delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: TEST_SECRET },
    ...extra,
  };
  const file = join(dir, 'digest.yaml');
  writeFileSync(file, stringify(config));
  return { dir, file };
}
