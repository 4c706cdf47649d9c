import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDumpFailure, explainDumpFailure, relationInTail, stderrExcerpt } from '../../src/backup/dump/dump-failure.js';
import { splitRelationList } from '../../src/backup/server/lock-blockers.js';
import type { ProcessExit } from '../../src/backup/dump/run-dump.js';

const failed: ProcessExit = { code: 1, signal: null };
const context = { exit: failed, user: 'reader', database: 'shop', dir: '/backups', lockWaitTimeoutSec: 30 };

const permission = [
  'pg_dump: reading user-defined tables',
  'pg_dump: error: query failed: ERROR:  permission denied for table orders',
  'pg_dump: detail: Query was: LOCK TABLE shop.orders IN ACCESS SHARE MODE',
];
const lockTimeout = [
  'pg_dump: reading user-defined tables',
  'pg_dump: error: query failed: ERROR:  canceling statement due to statement timeout',
  'pg_dump: detail: Query was: LOCK TABLE "Sales"."Order Lines" IN ACCESS SHARE MODE',
];

describe('why pg_dump failed', () => {
  test('is read from how it ended and its last lines', () => {
    assert.deepEqual(classifyDumpFailure(failed, permission), { reason: 'permission', relation: 'shop.orders' });
    assert.deepEqual(classifyDumpFailure(failed, lockTimeout), { reason: 'lock-timeout', relation: '"Sales"."Order Lines"' });
    assert.deepEqual(classifyDumpFailure(failed, ['pg_dump: error: connection to server at "db1" (10.0.0.1), port 5432 failed: FATAL:  database "nope" does not exist']), { reason: 'no-database' });
    assert.deepEqual(classifyDumpFailure(failed, ['pg_dump: error: could not write to output file: No space left on device']), { reason: 'disk-full' });
    assert.deepEqual(classifyDumpFailure(failed, ['pg_dump: error: could not write to output file: File too large']), { reason: 'file-too-large' });
    assert.deepEqual(classifyDumpFailure({ code: null, signal: 'SIGXFSZ' }, []), { reason: 'file-too-large' });
    assert.deepEqual(classifyDumpFailure({ code: null, signal: 'SIGKILL' }, ['pg_dump: dumping contents of table "shop.orders"']), { reason: 'killed' });
    assert.deepEqual(classifyDumpFailure(failed, ['pg_dump: error: could not open output file "/b/x.dump.partial": Permission denied']), { reason: 'output-dir' });
    assert.deepEqual(classifyDumpFailure(failed, ['pg_dump: error: connection to server at "db1", port 5432 failed: Connection refused']), { reason: 'connection' });
    assert.deepEqual(classifyDumpFailure(failed, ['pg_dump: error: something new']), { reason: 'other' });
  });

  test('the table is named from the failed query, else from the error', () => {
    assert.deepEqual(splitRelationList('public.a, "odd, name"."t", s.b'), ['public.a', '"odd, name"."t"', 's.b']);
    const batch = ['pg_dump: error: query failed: ERROR:  canceling statement due to statement timeout', 'pg_dump: detail: Query was: LOCK TABLE public.a, shop.orders IN ACCESS SHARE MODE'];
    assert.match(explainDumpFailure(classifyDumpFailure(failed, batch), { ...context, stderrTail: batch }).message, /could not lock one of public\.a, shop\.orders within/);
    assert.equal(relationInTail(['pg_dump: error: query failed: ERROR:  permission denied for table secrets']), 'secrets');
    assert.equal(relationInTail(['pg_dump: reading schemas']), undefined);
  });

  test('the message says what happened, what to do, and what pg_dump said', () => {
    const permissionError = explainDumpFailure(classifyDumpFailure(failed, permission), { ...context, stderrTail: permission });
    assert.equal(permissionError.exitCode, 1);
    assert.equal(permissionError.reason, 'permission');
    assert.deepEqual(permissionError.stderrTail, permission);
    assert.match(permissionError.message, /^backup of shop failed: the role "reader" may not read shop\.orders/);
    assert.match(permissionError.message, /GRANT pg_read_all_data TO "reader"/);
    assert.match(permissionError.message, /GRANT SELECT ON shop\.orders TO "reader"/);
    assert.match(permissionError.message, /No dump was written; older dumps are untouched\.\npg_dump said:\n {2}pg_dump: error: query failed/);
    assert.doesNotMatch(permissionError.message, /reading user-defined tables/);

    const schemaDenied = ['pg_dump: error: query failed: ERROR:  permission denied for schema shop', 'pg_dump: detail: Query was: LOCK TABLE shop.customers IN ACCESS SHARE MODE'];
    const schemaError = explainDumpFailure(classifyDumpFailure(failed, schemaDenied), { ...context, stderrTail: schemaDenied });
    assert.match(schemaError.message, /the role "reader" may not use schema shop, so pg_dump cannot read shop\.customers/);
    assert.match(schemaError.message, /GRANT USAGE ON SCHEMA shop TO "reader"; GRANT SELECT ON ALL TABLES IN SCHEMA shop TO "reader";/);

    const lockError = explainDumpFailure(classifyDumpFailure(failed, lockTimeout), {
      ...context,
      stderrTail: lockTimeout,
      lockHolders: ['pid 42 (user app, idle in transaction for 90 s) holds ACCESS EXCLUSIVE: ALTER TABLE …'],
    });
    assert.match(lockError.message, /could not lock "Sales"\."Order Lines" within the lock wait timeout \(30 s\)/);
    assert.match(lockError.message, /It is held by: pid 42 /);
    assert.match(lockError.message, /--lock-wait-timeout SECS/);

    const killed = explainDumpFailure({ reason: 'killed' }, { ...context, exit: { code: null, signal: 'SIGKILL' }, stderrTail: [] });
    assert.match(killed.message, /pg_dump was killed by SIGKILL before it finished/);
    assert.match(killed.message, /out-of-memory killer/);
    assert.doesNotMatch(killed.message, /pg_dump said/);

    const full = explainDumpFailure({ reason: 'disk-full' }, { ...context, stderrTail: ['pg_dump: error: could not write to output file: No space left on device'] });
    assert.match(full.message, /the disk holding \/backups is full/);
    assert.match(full.message, /--keep N/);
  });

  test('the excerpt keeps errors and lines without the pg_dump prefix, or else the last lines', () => {
    assert.deepEqual(stderrExcerpt(['pg_dump: reading schemas', 'pg_dump: error: boom', '\tIs the server running?']), ['pg_dump: error: boom', '\tIs the server running?']);
    const chatter = Array.from({ length: 20 }, (_, i) => `pg_dump: step ${i}`);
    assert.deepEqual(stderrExcerpt(chatter, 3), ['pg_dump: step 17', 'pg_dump: step 18', 'pg_dump: step 19']);
  });
});
