/**
 * The contract of src/deliver/nodemailer.ts: the internal nodemailer modules
 * it imports still exist with the shape used. Fails loudly (naming what
 * moved) when nodemailer is upgraded past the pinned version.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'vitest';
import { DKIM, foldLines, MimeNode, NODEMAILER_VERSION, parseConnectionUrl, SMTPConnection } from '../../src/deliver/nodemailer.ts';

const require = createRequire(import.meta.url);

test('nodemailer is the exact version the adapter was written for (package.json pins it)', () => {
  const installed = (require('nodemailer/package.json') as { version: string }).version;
  const pinned = (require('../../package.json') as { dependencies: Record<string, string> }).dependencies.nodemailer;
  assert.equal(pinned, NODEMAILER_VERSION, 'package.json must pin nodemailer exactly (internal modules have no semver promise)');
  assert.equal(
    installed,
    NODEMAILER_VERSION,
    `nodemailer ${installed} is installed; src/deliver/nodemailer.ts was checked against ${NODEMAILER_VERSION}`,
  );
});

test('the internal modules keep the shape the adapter uses', () => {
  assert.equal(typeof SMTPConnection, 'function', 'nodemailer/lib/smtp-connection default export');
  for (const m of ['connect', 'login', 'send', 'quit', 'close'])
    assert.equal(typeof (SMTPConnection.prototype as unknown as Record<string, unknown>)[m], 'function', `SMTPConnection#${m}`);
  assert.equal(typeof DKIM, 'function', 'nodemailer/lib/dkim default export');
  assert.equal(typeof (DKIM.prototype as unknown as Record<string, unknown>).sign, 'function', 'DKIM#sign');
  assert.equal(typeof MimeNode, 'function', 'nodemailer/lib/mime-node default export');

  const parsed = parseConnectionUrl('smtps://user:pass@mail.example.org:465') as Record<string, unknown>;
  assert.equal(parsed.host, 'mail.example.org');
  assert.equal(parsed.port, 465);
  assert.equal(parsed.secure, true);
  assert.deepEqual(parsed.auth, { user: 'user', pass: 'pass' });

  const folded = foldLines(`Subject: ${'信息摘编 '.repeat(30)}`, 76);
  assert.ok(
    folded.split('\r\n').every((l) => l.length <= 78),
    'foldLines folds at 76 columns',
  );

  const node = new MimeNode('multipart/alternative');
  assert.match(String(node.encodeHeaderValue('Subject', '测试')), /^=\?UTF-8\?/, 'MimeNode#encodeHeaderValue encodes non-ASCII words');
  assert.match(
    String(node.encodeHeaderValue('To', { name: '读者', address: 'reader@example.org' })),
    /^=\?UTF-8\?.+<reader@example\.org>$/,
    'MimeNode#encodeHeaderValue formats an address',
  );
});
