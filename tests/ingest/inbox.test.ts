import assert from 'node:assert/strict';
import { test } from 'vitest';
import { ImportError } from '../../src/errors.ts';
import { parsePlainItems } from '../../src/ingest/index.ts';
import { parseMarkdownItem } from '../../src/ingest/inbox.ts';

test('an inbox item dated 2025-13-45 is reported with file and line, not dropped (issue 15 item 11)', () => {
  const md = '---\ntitle: 工信部：印发通知\noutlet: 新华社\ndate: 2025-13-45\n---\n正文。\n';
  assert.throws(
    () => parseMarkdownItem(md, 'inbox/a.md', 'inbox'),
    (err: ImportError) =>
      err instanceof ImportError &&
      err.line === 4 &&
      /inbox\/a\.md:4: date "2025-13-45" is not a date/.test(err.message) &&
      /YYYY-MM-DD/.test(err.hint ?? ''),
  );
  const plain = '工信部：印发通知\n新京报 2025-13-45\n正文。\n';
  assert.throws(
    () => parsePlainItems(plain, 'inbox/b.txt', 'inbox'),
    (err: ImportError) => err instanceof ImportError && err.line === 2 && /date "2025-13-45"/.test(err.message),
  );
  // Good dates still pass.
  assert.equal(parseMarkdownItem(md.replace('2025-13-45', '2025-07-15'), 'inbox/a.md', 'inbox').date, '2025-07-15');
  assert.equal(parsePlainItems(plain.replace('2025-13-45', '2025年7月15日'), 'inbox/b.txt', 'inbox')[0]!.date, '2025年7月15日');
});
