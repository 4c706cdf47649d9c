import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TableToDump } from '../../src/backup/server/catalog.js';
import { parseDumpLine } from '../../src/backup/dump/dump-line.js';
import { ProgressTracker, type BackupEvent } from '../../src/backup/job/progress.js';

const table = (name: string, bytes: number, estimatedRows: number): TableToDump => {
  const [schema = '', relname = ''] = name.split('.');
  return { name, schema, table: relname, bytes, estimatedRows };
};

const tables = [table('public.small', 100, 10), table('shop.orders', 800, 1000), table('shop.items', 100, 10)];

function tracker(parallel: boolean): { tracker: ProgressTracker; events: BackupEvent[]; clock: { now: number } } {
  const events: BackupEvent[] = [];
  const clock = { now: 1_000_000 };
  const instance = new ProgressTracker({ database: 'shop', target: 'db1:5432/shop', format: 'custom', dir: '/b', parallel, onEvent: (event) => events.push(event), now: () => clock.now });
  instance.setTables(tables);
  return { tracker: instance, events, clock };
}

const line = (table: string): ReturnType<typeof parseDumpLine> => parseDumpLine(`pg_dump: dumping contents of table "${table}"`);

describe('backup progress', () => {
  test('one at a time: a table is done when the next begins, and all are done once verifying', () => {
    const { tracker: progress, events } = tracker(false);
    progress.setPhase('dumping');
    progress.onDumpLine(line('public.small'));
    progress.onDumpLine(line('shop.orders'));
    const snapshot = progress.snapshot();
    assert.equal(snapshot.tablesDone, 1);
    assert.equal(snapshot.tablesTotal, 3);
    assert.deepEqual(snapshot.currentTables.map((current) => current.table), ['shop.orders']);
    assert.deepEqual(events.filter((event) => event.type === 'table').map((event) => event.type === 'table' && event.table), ['public.small', 'shop.orders']);
    progress.setPhase('verifying');
    assert.equal(progress.snapshot().tablesDone, 3);
    assert.deepEqual(progress.snapshot().currentTables, []);
    assert.equal(progress.snapshot().fraction, 1);
  });

  test('in parallel: tables are done when a worker says so, several run at once', () => {
    const { tracker: progress } = tracker(true);
    progress.setPhase('dumping');
    progress.onDumpLine(line('shop.orders'));
    progress.onDumpLine(line('public.small'));
    assert.equal(progress.snapshot().tablesDone, 0);
    assert.equal(progress.snapshot().currentTables.length, 2);
    progress.onDumpLine(parseDumpLine('pg_dump: finished item 3360 TABLE DATA small'));
    assert.equal(progress.snapshot().tablesDone, 1);
    assert.deepEqual(progress.snapshot().currentTables.map((current) => current.table), ['shop.orders']);
  });

  test('the ETA weighs tables by size and the current table by rows copied', () => {
    const { tracker: progress, clock } = tracker(false);
    progress.setPhase('dumping');
    assert.equal(progress.snapshot().etaMs, null);
    progress.onDumpLine(line('public.small'));
    progress.onDumpLine(line('shop.orders'));
    clock.now += 10_000;
    progress.sample({ bytesWritten: 4096, copies: [{ table: 'shop.orders', rows: 500, bytes: 12_345 }] });
    const snapshot = progress.snapshot();
    // Done: small (100 of 1000 bytes); orders half copied (400): 50% in 10 s, so 10 s to go.
    assert.equal(snapshot.fraction, 0.5);
    assert.equal(snapshot.etaMs, 10_000);
    assert.equal(snapshot.bytesWritten, 4096);
    assert.deepEqual(snapshot.currentTables, [{ table: 'shop.orders', rowsDone: 500, rowsEstimated: 1000, bytesDone: 12_345, tableBytes: 800 }]);
  });

  test('failure clears what was running and carries the message; a throwing listener does not break the job', () => {
    const events: BackupEvent[] = [];
    const progress = new ProgressTracker({
      database: 'shop', target: 't', format: 'directory', dir: '/b', parallel: true,
      onEvent: (event) => {
        events.push(event);
        throw new Error('a broken view');
      },
    });
    progress.setPhase('dumping');
    progress.setPgDumpPid(1234);
    progress.onDumpLine(line('shop.orders'));
    progress.setPhase('failed', 'pg_dump was killed');
    const last = events.at(-1)?.progress;
    assert.equal(last?.phase, 'failed');
    assert.equal(last?.error, 'pg_dump was killed');
    assert.equal(last?.pgDumpPid, null);
    assert.deepEqual(last?.currentTables, []);
    assert.equal(last?.etaMs, null);
  });
});
