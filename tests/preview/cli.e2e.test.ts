/**
 * `digest preview` as a user runs it: prints its URL, serves on 127.0.0.1,
 * exits 0 on SIGTERM and SIGINT; a bad --port is a usage error.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { sampleConfig } from '../helpers/config.ts';

const env = { DIGEST_NOW: '2024-07-15T00:30:00Z' };

async function runPreview(
  file: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stdout: string; stderr: string; page: string }> {
  const child = spawn(process.execPath, [`${ROOT}bin/digest.js`, 'preview', '--port', '0', '--config', file], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout);
      if (m) resolve(m[0]);
    });
    child.on('exit', () => reject(new Error(`preview exited early: ${stderr}`)));
  });
  const page = await (await fetch(url)).text();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill(signal);
  const code = await exited;
  return { code, stdout, stderr, page };
}

test('digest preview prints its URL, serves the next issue and exits 0 on SIGTERM and SIGINT', async () => {
  const { file } = sampleConfig();
  assert.equal((await runCli(['ingest', '--config', file], { env })).code, 0);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const r = await runPreview(file, signal);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^preview of the next issue: http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C to stop\)$/m);
    assert.match(r.stdout, new RegExp(`preview stopped \\(${signal}\\)`));
    assert.match(r.page, /<h1[^>]*>信息摘编 <span class="numbering">2024年 第一期（总第一期）<\/span><\/h1>/);
  }
});

test('digest preview --port with a bad value is a usage error (exit 2)', async () => {
  const { file } = sampleConfig();
  const r = await runCli(['preview', '--port', 'eighty', '--config', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--port: "eighty" is not a port number/);
});

test('digest preview on a port in use fails with a hint (exit 1)', async (t) => {
  const { file } = sampleConfig();
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.onTestFinished(() => void busy.close());
  const port = (busy.address() as AddressInfo).port;
  const r = await runCli(['preview', '--port', String(port), '--config', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use\\n  → pick another with --port N`));
});
