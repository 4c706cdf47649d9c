import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, LineTail, parseDumpLine } from '../../src/backup/dump/dump-line.js';

describe('pg_dump -v lines', () => {
  test('a table whose data is being dumped, with its schema', () => {
    assert.deepEqual(parseDumpLine('pg_dump: dumping contents of table "public.orders"'), { kind: 'table-started', table: 'public.orders' });
    assert.deepEqual(parseDumpLine('pg_dump: dumping contents of table "my schema.Order Lines"'), { kind: 'table-started', table: 'my schema.Order Lines' });
  });

  test('a parallel worker finishing a table (the tag has no schema)', () => {
    assert.deepEqual(parseDumpLine('pg_dump: finished item 3359 TABLE DATA orders'), { kind: 'table-finished', tag: 'orders' });
  });

  test('errors and the detail and hint lines after them', () => {
    assert.deepEqual(parseDumpLine('pg_dump: error: query failed: ERROR:  permission denied for table orders'), {
      kind: 'error',
      text: 'query failed: ERROR:  permission denied for table orders',
    });
    assert.deepEqual(parseDumpLine('pg_dump: detail: Query was: LOCK TABLE public.orders IN ACCESS SHARE MODE'), {
      kind: 'detail',
      text: 'Query was: LOCK TABLE public.orders IN ACCESS SHARE MODE',
    });
    assert.deepEqual(parseDumpLine('pg_dump: hint: try again'), { kind: 'hint', text: 'try again' });
    assert.deepEqual(parseDumpLine('pg_dump: warning: there are circular foreign-key constraints'), { kind: 'warning', text: 'there are circular foreign-key constraints' });
  });

  test('everything else is information, with the prefix removed', () => {
    assert.deepEqual(parseDumpLine('pg_dump: reading user-defined tables'), { kind: 'info', text: 'reading user-defined tables' });
    assert.deepEqual(parseDumpLine('pg_dump: saving encoding = UTF8\r'), { kind: 'info', text: 'saving encoding = UTF8' });
    assert.deepEqual(parseDumpLine('\tIs the server running on that host?'), { kind: 'info', text: '\tIs the server running on that host?' });
  });

  test('a line that only looks like a table start is not one', () => {
    assert.equal(parseDumpLine('pg_dump: dumping contents of table public.orders').kind, 'info');
  });
});

describe('splitting and keeping stderr', () => {
  test('lines are split across chunks, and the unfinished one is kept for the end', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push('pg_dump: read'), []);
    assert.deepEqual(splitter.push('ing schemas\npg_dump: a\npg_dump: b'), ['pg_dump: reading schemas', 'pg_dump: a']);
    assert.deepEqual(splitter.flush(), ['pg_dump: b']);
    assert.deepEqual(splitter.flush(), []);
  });

  test('the tail keeps only the last lines', () => {
    const tail = new LineTail(3);
    for (let i = 1; i <= 5; i++) tail.push(`line ${i}`);
    assert.deepEqual(tail.get(), ['line 3', 'line 4', 'line 5']);
  });
});
