import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, parseDirectives } from '../../src/migrate/directives.js';
import { parseMigrationScript } from '../../src/migrate/script.js';

const problemsOf = (sql: string) => parseDirectives(sql).problems;

describe('parseDirectives', () => {
  test('defaults: a transaction, lock_timeout 2s, statement_timeout 30min', () => {
    assert.deepEqual(parseDirectives('CREATE TABLE t (id int);'), {
      directives: { transactional: true, lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS, statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_MS },
      problems: [],
    });
    assert.equal(DEFAULT_LOCK_TIMEOUT_MS, 2000);
    assert.equal(DEFAULT_STATEMENT_TIMEOUT_MS, 1_800_000);
  });

  test('reads the header lines, with or without spaces, between other comments and blank lines', () => {
    const sql = '-- Adds an index.\n\n-- pgtop:no-transaction\n--pgtop:lock_timeout=500ms\n--   pgtop: statement_timeout = 1h\r\nCREATE INDEX CONCURRENTLY i ON t (a);';
    assert.deepEqual(parseDirectives(sql), { directives: { transactional: false, lockTimeoutMs: 500, statementTimeoutMs: 3_600_000 }, problems: [] });
  });

  test('an unknown directive is a problem naming its line', () => {
    assert.deepEqual(problemsOf('-- fine\n-- pgtop:no_transaction\nSELECT 1;'), [
      { line: 2, message: 'unknown directive pgtop:no_transaction (known: no-transaction, lock_timeout=DURATION, statement_timeout=DURATION)' },
    ]);
  });

  test('bad values, missing values, values where none belong and repeats are problems', () => {
    assert.match(problemsOf('-- pgtop:lock_timeout=soon')[0]?.message ?? '', /pgtop:lock_timeout=soon is not a duration/);
    assert.match(problemsOf('-- pgtop:statement_timeout')[0]?.message ?? '', /needs a value/);
    assert.match(problemsOf('-- pgtop:no-transaction=yes')[0]?.message ?? '', /takes no value/);
    assert.deepEqual(problemsOf('-- pgtop:lock_timeout=1s\n-- pgtop:lock_timeout=2s'), [{ line: 2, message: 'pgtop:lock_timeout is given twice (first on line 1)' }]);
    assert.match(problemsOf('-- pgtop:lock_timeout=1s please')[0]?.message ?? '', /cannot read this directive/);
    assert.match(problemsOf('-- pgtop:statement_timeout=30d')[0]?.message ?? '', /longer than PostgreSQL allows/);
  });

  test('a directive after the first statement is a problem, not silently ignored', () => {
    assert.deepEqual(problemsOf('SELECT 1;\n-- pgtop:no-transaction\n'), [
      { line: 2, message: 'a -- pgtop: directive must be at the top of the file, before the first statement' },
    ]);
  });
});

describe('parseMigrationScript', () => {
  const script = (sql: string) => parseMigrationScript('0007_x.sql', Buffer.from(sql));

  test('a no-transaction file must hold exactly one statement', () => {
    const two = script('-- pgtop:no-transaction\nCREATE INDEX CONCURRENTLY a ON t (x);\n\nCREATE INDEX CONCURRENTLY b ON t (y);\n');
    assert.equal(two.problems.length, 1);
    assert.equal(two.problems[0]?.line, 4);
    assert.match(two.problems[0]?.message ?? '', /exactly one statement, and this one has 2 \(lines 2, 4\)/);
    assert.match(script('-- pgtop:no-transaction\n-- nothing\n').problems[0]?.message ?? '', /holds no statement/);
    assert.deepEqual(script('-- pgtop:no-transaction\nCREATE INDEX CONCURRENTLY a ON t (x);').problems, []);
  });

  test('CONCURRENTLY, VACUUM and ALTER SYSTEM in a transactional file are problems naming their line', () => {
    const problems = script("CREATE TABLE t (x int);\nCREATE INDEX CONCURRENTLY a ON t (x);\nVACUUM t;\nALTER SYSTEM SET work_mem = '8MB';").problems;
    assert.deepEqual(
      problems.map((p) => [p.line, p.message.split(' cannot')[0]]),
      [
        [2, 'CREATE INDEX CONCURRENTLY'],
        [3, 'VACUUM'],
        [4, 'ALTER SYSTEM'],
      ],
    );
    assert.match(problems[0]?.message ?? '', /-- pgtop:no-transaction/);
  });

  test('transaction control inside a file is a problem', () => {
    const problems = script('BEGIN;\nCREATE TABLE t (x int);\nCOMMIT;').problems;
    assert.deepEqual(problems.map((p) => p.line), [1, 3]);
    assert.match(problems[0]?.message ?? '', /^BEGIN: pgtop runs each file in a transaction of its own/);
  });

  test('directive problems are reported with the statements', () => {
    const parsed = script('-- pgtop:lock-timeout=2s\nSELECT 1;');
    assert.deepEqual(parsed.problems.map((p) => p.line), [1]);
    assert.equal(parsed.statements.length, 1);
  });

  test('a file that is not UTF-8 is a problem, not mangled SQL', () => {
    const parsed = parseMigrationScript('0007_x.sql', Buffer.from([0x53, 0x45, 0x4c, 0xff, 0x3b]));
    assert.match(parsed.problems[0]?.message ?? '', /not valid UTF-8/);
  });
});
