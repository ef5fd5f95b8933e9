/**
 * Unsubscribe secrets strong enough to sign links people receive (issue 15):
 * an empty or short key lets anyone forge a token.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'vitest';
import { DEFAULT_UNSUBSCRIBE_SECRET, secretWeakness } from '../../src/deliver/unsubscribe.ts';

test('empty, short, patterned and shipped secrets are weak; openssl rand output is not', () => {
  assert.equal(secretWeakness(''), 'is empty');
  assert.equal(secretWeakness(DEFAULT_UNSUBSCRIBE_SECRET), 'is the shipped default');
  assert.match(secretWeakness('x')!, /is 1 bytes long/);
  assert.match(secretWeakness('a'.repeat(64))!, /does not look random/);
  assert.match(secretWeakness('abcabcabcabcabcabcabcabcabcabcabcabc')!, /does not look random/);
  for (let i = 0; i < 20; i++) {
    assert.equal(secretWeakness(randomBytes(32).toString('base64')), null);
    assert.equal(secretWeakness(randomBytes(32).toString('hex')), null);
  }
});
