import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { concurrentIndexTarget } from '../../src/migrate/concurrent-index.js';
import { errorLine } from '../../src/migrate/server-error.js';
import { splitStatements } from '../../src/migrate/split.js';
import { outsideTransactionOnly, transactionControl } from '../../src/migrate/statement-rules.js';

const texts = (sql: string): string[] => splitStatements(sql).map((statement) => statement.text);
const one = (sql: string) => {
  const [statement] = splitStatements(sql);
  assert.ok(statement, `no statement in ${sql}`);
  return statement;
};

describe('splitStatements', () => {
  test('splits at top-level semicolons and reports each statement’s first line', () => {
    const sql = '-- header\n\nCREATE TABLE a (id int);\n\n  INSERT INTO a VALUES (1);\nSELECT 1';
    const statements = splitStatements(sql);
    assert.deepEqual(
      statements.map((s) => [s.text, s.line]),
      [
        ['CREATE TABLE a (id int)', 3],
        ['INSERT INTO a VALUES (1)', 5],
        ['SELECT 1', 6],
      ],
    );
    assert.equal(sql.slice(statements[1]!.start, statements[1]!.start + 6), 'INSERT');
  });

  test('drops empty statements and comment-only pieces', () => {
    assert.deepEqual(texts(';;\n-- only a comment\n;/* and another */;'), []);
    assert.deepEqual(texts('SELECT 1;;SELECT 2;'), ['SELECT 1', 'SELECT 2']);
  });

  test('ignores semicolons inside single-quoted strings, with doubled quotes', () => {
    assert.deepEqual(texts("SELECT 'a;b''c;';SELECT 2"), ["SELECT 'a;b''c;'", 'SELECT 2']);
  });

  test('E strings honour backslash escapes, ordinary strings do not', () => {
    assert.deepEqual(texts("SELECT E'it\\'s;';SELECT 2"), ["SELECT E'it\\'s;'", 'SELECT 2']);
    assert.deepEqual(texts("SELECT 'C:\\';SELECT 2"), ["SELECT 'C:\\'", 'SELECT 2']);
  });

  test('ignores semicolons inside double-quoted identifiers', () => {
    assert.deepEqual(texts('CREATE TABLE "we;ird""name" (id int);SELECT 2'), ['CREATE TABLE "we;ird""name" (id int)', 'SELECT 2']);
  });

  test('ignores semicolons inside dollar quotes, tagged or not', () => {
    const fn = `CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
BEGIN
  PERFORM 1; -- inner ; $$ not the end
  RETURN 2;
END
$body$`;
    assert.deepEqual(texts(`${fn};SELECT $$a;b$$;SELECT 3`), [fn, 'SELECT $$a;b$$', 'SELECT 3']);
  });

  test('a $ inside an identifier or a parameter does not open a dollar quote', () => {
    assert.deepEqual(texts('SELECT a$b$ FROM t;SELECT $1;SELECT 3'), ['SELECT a$b$ FROM t', 'SELECT $1', 'SELECT 3']);
  });

  test('ignores semicolons in line comments and nested block comments', () => {
    const sql = 'SELECT 1 -- not; here\n;/* outer /* inner; */ still; comment */ SELECT 2;';
    assert.deepEqual(texts(sql), ['SELECT 1', 'SELECT 2']);
  });

  test('does not split inside parentheses (CREATE RULE … DO (a; b))', () => {
    const rule = 'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); INSERT INTO log VALUES (2))';
    assert.deepEqual(texts(`${rule};SELECT 2`), [rule, 'SELECT 2']);
  });

  test('does not split inside a BEGIN ATOMIC function body, CASE … END included', () => {
    const fn = `CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;
  SELECT x;
END`;
    assert.deepEqual(texts(`${fn};\nSELECT 2;`), [fn, 'SELECT 2']);
  });

  test('an unterminated string runs to the end of the file as one statement', () => {
    assert.deepEqual(texts("SELECT 1; SELECT 'oops; SELECT 3"), ['SELECT 1', "SELECT 'oops; SELECT 3"]);
  });
});

describe('errorLine', () => {
  const sql = 'SELECT 1;\n\nCREATE TABLE t (\n  id int,\n  bad nope\n);';
  const statement = splitStatements(sql)[1]!;

  test('maps the server’s character position inside the statement to a file line', () => {
    const position = statement.text.indexOf('nope') + 1;
    assert.equal(errorLine(sql, statement, position), 5);
  });

  test('without a position, it is the statement’s first line', () => {
    assert.equal(errorLine(sql, statement, undefined), 3);
  });

  test('counts characters, not UTF-16 units, as PostgreSQL does', () => {
    const text = "SELECT '😀😀',\n  nope";
    const st = splitStatements(text)[0]!;
    const position = Array.from(st.text).indexOf('n') + 1;
    assert.equal(errorLine(text, st, position), 2);
  });
});

describe('statement rules', () => {
  test('flags what cannot run inside a transaction', () => {
    assert.equal(outsideTransactionOnly(one('CREATE INDEX CONCURRENTLY i ON t (a)')), 'CREATE INDEX CONCURRENTLY');
    assert.equal(outsideTransactionOnly(one('create unique index concurrently i on t (a)')), 'CREATE UNIQUE INDEX CONCURRENTLY');
    assert.equal(outsideTransactionOnly(one('DROP INDEX CONCURRENTLY i')), 'DROP INDEX CONCURRENTLY');
    assert.equal(outsideTransactionOnly(one('REINDEX TABLE CONCURRENTLY t')), 'REINDEX TABLE CONCURRENTLY');
    assert.equal(outsideTransactionOnly(one('VACUUM ANALYZE t')), 'VACUUM');
    assert.equal(outsideTransactionOnly(one("ALTER SYSTEM SET work_mem = '8MB'")), 'ALTER SYSTEM');
    assert.equal(outsideTransactionOnly(one('CREATE DATABASE x')), 'CREATE DATABASE');
  });

  test('does not flag the words inside strings, comments or identifiers, nor REFRESH … CONCURRENTLY', () => {
    assert.equal(outsideTransactionOnly(one("INSERT INTO notes VALUES ('VACUUM; CREATE INDEX CONCURRENTLY')")), undefined);
    assert.equal(outsideTransactionOnly(one('CREATE INDEX i ON t (a) -- not CONCURRENTLY')), undefined);
    assert.equal(outsideTransactionOnly(one('SELECT "concurrently" FROM t')), undefined);
    assert.equal(outsideTransactionOnly(one('ALTER TABLE t ADD COLUMN vacuum_count int')), undefined);
    assert.equal(outsideTransactionOnly(one('REFRESH MATERIALIZED VIEW CONCURRENTLY v')), undefined);
  });

  test('recognises transaction control but not savepoints', () => {
    assert.equal(transactionControl(one('BEGIN')), 'BEGIN');
    assert.equal(transactionControl(one('commit')), 'COMMIT');
    assert.equal(transactionControl(one('START TRANSACTION ISOLATION LEVEL SERIALIZABLE')), 'START TRANSACTION');
    assert.equal(transactionControl(one('ROLLBACK')), 'ROLLBACK');
    assert.equal(transactionControl(one('ROLLBACK TO SAVEPOINT s')), undefined);
    assert.equal(transactionControl(one('SAVEPOINT s')), undefined);
    assert.equal(transactionControl(one('CREATE TABLE t (id int)')), undefined);
  });
});

describe('concurrentIndexTarget', () => {
  test('reads the index name and the table, folding unquoted names to lower case', () => {
    assert.deepEqual(concurrentIndexTarget(one('CREATE INDEX CONCURRENTLY Orders_Idx ON Shop.Orders (created_at)')), {
      indexName: 'orders_idx',
      table: '"shop"."orders"',
    });
  });

  test('keeps quoted names as written and handles UNIQUE, IF NOT EXISTS and ONLY', () => {
    assert.deepEqual(concurrentIndexTarget(one('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Big ""Idx""" ON ONLY "My Table" (a)')), {
      indexName: 'Big "Idx"',
      table: '"My Table"',
    });
  });

  test('an unnamed index gives only the table; other statements give nothing', () => {
    assert.deepEqual(concurrentIndexTarget(one('CREATE INDEX CONCURRENTLY ON t (a)')), { table: '"t"' });
    assert.equal(concurrentIndexTarget(one('CREATE INDEX i ON t (a)')), undefined);
    assert.equal(concurrentIndexTarget(one('DROP INDEX CONCURRENTLY i')), undefined);
  });
});
