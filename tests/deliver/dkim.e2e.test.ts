/**
 * DKIM signing from config: the received message carries a DKIM-Signature
 * that verifies (relaxed/relaxed, RFC 6376) with the public key and covers
 * List-Unsubscribe and List-Unsubscribe-Post, as RFC 8058 requires. The key
 * may be given inline or as a file path.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { startSmtp } from '../helpers/smtp.ts';
import { tempDir } from '../helpers/tmp.ts';
import { send, smtp, storeWith } from './helpers.ts';

/** Split a raw message into header fields (unfolded later) and body. */
function split(raw: string): { fields: { name: string; raw: string }[]; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const fields: { name: string; raw: string }[] = [];
  for (const line of raw.slice(0, end).split('\r\n')) {
    if (/^[ \t]/.test(line)) fields[fields.length - 1]!.raw += `\r\n${line}`;
    else fields.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), raw: line });
  }
  return { fields, body: raw.slice(end + 4) };
}

const relaxedHeader = (field: string) => {
  const colon = field.indexOf(':');
  const value = field
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${field.slice(0, colon).trim().toLowerCase()}:${value}`;
};

const relaxedBody = (body: string) => {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? `${lines.join('\r\n')}\r\n` : '';
};

/** Verify a relaxed/relaxed rsa-sha256 DKIM signature; returns its tags. */
function verifyDkim(raw: string, publicKey: KeyObject): Record<string, string> {
  const { fields, body } = split(raw);
  const signature = fields.find((f) => f.name === 'dkim-signature');
  assert.ok(signature, 'a DKIM-Signature header');
  const tags = Object.fromEntries(
    signature.raw
      .slice(signature.raw.indexOf(':') + 1)
      .replace(/\s+/g, '')
      .split(';')
      .filter(Boolean)
      .map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]),
  );
  assert.equal(tags.a, 'rsa-sha256');
  assert.equal(tags.c, 'relaxed/relaxed');
  assert.equal(createHash('sha256').update(relaxedBody(body)).digest('base64'), tags.bh, 'body hash');
  const used = new Map<string, number>();
  const signed = tags.h!.split(':').map((name) => {
    const key = name.toLowerCase();
    const instances = fields.filter((f) => f.name === key);
    const n = (used.get(key) ?? 0) + 1;
    used.set(key, n);
    const field = instances[instances.length - n];
    return field ? `${relaxedHeader(field.raw)}\r\n` : '';
  });
  const unsigned = relaxedHeader(signature.raw)
    .replace(/b=[^;]*$/, 'b=')
    .replace(/(;\s*b=)[^;]*(;|$)/, '$1$2');
  const data = signed.join('') + unsigned;
  assert.ok(verify('sha256', Buffer.from(data), publicKey, Buffer.from(tags.b!, 'base64')), 'the signature verifies');
  return tags;
}

test('DKIM: a signature that verifies and covers the List-Unsubscribe headers (key inline or from a file)', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyFile = join(tempDir(), 'dkim.pem');
  writeFileSync(keyFile, pem);
  const server = await startSmtp({ parse: false });
  t.onTestFinished(() => server.close());

  for (const key of [pem, keyFile]) {
    const { store } = storeWith(2);
    const messenger = smtp(server.url, { dkim: { domainName: 'example.org', keySelector: 'digest', privateKey: key } });
    assert.equal((await send(store, messenger)).submitted, 2);
    await messenger.close();
    store.close();
  }
  assert.equal(server.received.length, 4);
  for (const m of server.received) {
    const tags = verifyDkim(m.raw, publicKey);
    assert.equal(tags.d, 'example.org');
    assert.equal(tags.s, 'digest');
    const signed = tags.h!.toLowerCase().split(':');
    for (const h of ['from', 'to', 'subject', 'date', 'message-id', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post'])
      assert.ok(signed.includes(h), `${h} is signed`);
  }
  // A tampered copy fails: the verifier is not a rubber stamp.
  const tampered = server.received[0]!.raw.replace(
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    'List-Unsubscribe-Post: List-Unsubscribe=Two-Clicks',
  );
  assert.throws(() => verifyDkim(tampered, publicKey), /signature verifies/);
});

test('DKIM: an unreadable key file is a configuration error naming the key', () => {
  assert.throws(
    () => smtp('smtp://127.0.0.1:25', { dkim: { domainName: 'example.org', keySelector: 'digest', privateKey: '/nonexistent/dkim.pem' } }),
    (err: Error & { exitCode?: number }) => /delivery\.smtp\.dkim\.privateKey: cannot read/.test(err.message) && err.exitCode === 2,
  );
});
