import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionColumns, queryLabel } from '../../src/ui/columns/session-columns.js';
import { renderTable } from '../../src/ui/components/data-table.js';
import { displayWidth } from '../../src/text/width.js';
import { syntheticSession } from '../helpers/synthetic.js';

const stripSgr = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');
const sqlCell = (query: string, width: number): string => {
  const [header, row] = renderTable(sessionColumns, [syntheticSession(7, { query })], { width, height: 1, top: 0, selectedIndex: undefined }).map(stripSgr);
  const at = (header ?? '').indexOf('SQL');
  return (row ?? '').slice(at).trimEnd();
};

describe('the SQL cell of a long query', () => {
  const long = `SELECT ${'column_name, '.repeat(5000)}1 FROM t`;

  test('is read only as far as the cell needs, and still ends in … when the text goes on', () => {
    for (const width of [80, 120, 200]) {
      const cell = sqlCell(long, width);
      assert.match(cell, /^SELECT column_name, colu/);
      assert.match(cell, /…$/, `at ${width} columns`);
    }
    assert.ok(queryLabel(syntheticSession(7, { query: long }), 40).length <= 2 * 64 + 1);
  });

  test('fills the cell with what follows long runs of blanks, line breaks and wide characters', () => {
    const spaced = `SELECT${' '.repeat(3000)}a,\n\n\t\tb,${' '.repeat(3000)}${'漢字'.repeat(200)}`;
    const cell = sqlCell(spaced, 120);
    assert.match(cell, /^SELECT a, b, 漢字漢字/);
    assert.match(cell, /…$/);
    assert.equal(queryLabel(syntheticSession(7, { query: 'SELECT 1' }), 40), 'SELECT 1');
  });

  test('zero-width marks between the characters still end the cell in …', () => {
    const marked = 'é'.normalize('NFD').repeat(2000);
    const cell = sqlCell(marked, 100);
    assert.match(cell, /…$/);
    assert.ok(displayWidth(cell) > 10);
  });
});
