import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPlannable, looksTruncated } from '../../src/plan/classify.js';

const check = (text: string, versionNum = 170000, origin: 'activity' | 'statements' = 'statements') =>
  checkPlannable({ text, origin, trackActivityQuerySize: 1024, versionNum });

test('plain statements may be explained, comments and a final semicolon aside', () => {
  for (const text of ['SELECT 1', '/* c */ select * from t;', 'WITH x AS (SELECT 1) SELECT * FROM x', 'TABLE t', 'VALUES (1)', '(SELECT 1)', 'DELETE FROM t', 'MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE']) {
    assert.equal(check(text).ok, true, text);
  }
  assert.deepEqual(check('-- hi\nselect 1;'), { ok: true, statement: '-- hi\nselect 1', parameterised: false });
});

test('anything else is refused with the reason', () => {
  for (const [text, word] of [['CREATE TABLE t (a int)', 'CREATE'], ['explain analyze select 1', 'EXPLAIN'], ['VACUUM t', 'VACUUM'], ['COPY t TO stdout', 'COPY'], ['set x = 1', 'SET']]) {
    const result = check(text);
    assert.equal(result.ok, false, text);
    if (!result.ok) assert.match(result.reason, new RegExp(`^${word} is not a plain`));
  }
  const two = check('SELECT 1; DROP TABLE t');
  assert.equal(two.ok, false);
  if (!two.ok) assert.match(two.reason, /more than one statement/);
  assert.equal(check('  ').ok, false);
});

test('$n parameters need GENERIC_PLAN, PostgreSQL 16+; $ in strings, comments and dollar quotes does not count', () => {
  assert.deepEqual(check('SELECT * FROM t WHERE a = $1', 160000), { ok: true, statement: 'SELECT * FROM t WHERE a = $1', parameterised: true });
  const old = check('SELECT * FROM t WHERE a = $1', 150000);
  assert.equal(old.ok, false);
  assert.equal(check("SELECT '$1' -- $2", 150000).ok, true);
  assert.equal(check('SELECT $q$ $1 $q$', 150000).ok, true);
});

test('a session text that fills track_activity_query_size was cut', () => {
  assert.equal(looksTruncated('x'.repeat(1023), 1024), true);
  assert.equal(looksTruncated('x'.repeat(1022), 1024), false);
  assert.equal(looksTruncated('é'.repeat(512), 1024), true, 'bytes, not characters');
  const cut = checkPlannable({ text: `SELECT ${'1,'.repeat(600)}1`, origin: 'activity', trackActivityQuerySize: 1024, versionNum: 170000 });
  assert.equal(cut.ok, false);
  assert.equal(checkPlannable({ text: `SELECT ${'1,'.repeat(600)}1`, origin: 'statements', trackActivityQuerySize: 1024, versionNum: 170000 }).ok, true, 'pg_stat_statements keeps whole texts');
});
