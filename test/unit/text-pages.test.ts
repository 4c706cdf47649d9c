import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { textPage } from '../../src/text/pages.js';
import { displayWidth, wrap } from '../../src/text/width.js';

/** Every page of `text`, following `next`. */
function allPages(text: string, width: number, rows: number): string[][] {
  const pages: string[][] = [];
  for (let start: number | null = 0; start !== null; ) {
    const page = textPage(text, start, width, rows);
    pages.push(page.lines);
    start = page.next;
  }
  return pages;
}

describe('textPage', () => {
  test('wraps at spaces and line breaks like wrap, a page at a time', () => {
    const text = 'SELECT id, name FROM users\nWHERE id = 1 AND name LIKE $1\r\n\nORDER BY id';
    for (const [width, rows] of [[16, 2], [10, 3], [40, 1], [7, 50]] as const) {
      const expected = text.split(/\r\n|\n|\r/).flatMap((line) => wrap(line, width));
      assert.deepEqual(allPages(text, width, rows).flat(), expected, `width ${width}, rows ${rows}`);
    }
  });

  test('rowStarts lead one row down; the last page has no next', () => {
    const text = 'aaa bbb ccc ddd eee';
    const first = textPage(text, 0, 7, 2);
    assert.deepEqual(first.lines, ['aaa bbb', 'ccc ddd']);
    assert.deepEqual(first.rowStarts, [0, 8]);
    assert.equal(first.next, 16);
    assert.deepEqual(textPage(text, first.rowStarts[1] ?? -1, 7, 2).lines, ['ccc ddd', 'eee']);
    assert.equal(textPage(text, 16, 7, 2).next, null);
  });

  test('shows control and invisible characters as escapes and tabs as spaces', () => {
    assert.deepEqual(textPage('a\u001b[2Jb\tc\u200bd', 0, 40, 1).lines, ['a\\x1b[2Jb   c\\u200bd']);
  });

  test('never splits a wide character and keeps each row within the width', () => {
    const page = textPage('日本語テキスト 😀😀😀 e\u0301e\u0301', 0, 5, 10);
    for (const line of page.lines) assert.ok(displayWidth(line) <= 5, line);
    assert.deepEqual(page.lines, ['日本', '語テ', 'キス', 'ト', '😀😀', '😀 e\u0301e\u0301']);
  });

  test('a page deep inside a 1 MB query reads only that page', () => {
    const query = `SELECT ${Array.from({ length: 130_000 }, (_, i) => `c${i}`).join(', ')} FROM t`;
    assert.ok(query.length > 800_000);
    const middle = query.indexOf('c50000,');
    const page = textPage(query, middle, 60, 20);
    assert.equal(page.lines.length, 20);
    assert.ok(page.lines[0]?.startsWith('c50000, c50001,'), page.lines[0]);
    assert.ok(page.next !== null && page.next > middle && page.next < middle + 60 * 20);
  });
});
