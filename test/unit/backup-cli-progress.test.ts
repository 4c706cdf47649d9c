import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cliProgress } from '../../src/commands/backup/cli-progress.js';
import type { BackupEvent, BackupProgress } from '../../src/backup/job/progress.js';
import { progressLine } from '../../src/commands/backup/progress-text.js';

const base: BackupProgress = {
  phase: 'dumping',
  database: 'shop',
  target: 'db1:5432/shop',
  format: 'custom',
  file: 'shop-20261128T120431Z.dump',
  dir: '/backups',
  pgDumpPid: 4242,
  tablesDone: 1,
  tablesTotal: 3,
  currentTables: [{ table: 'shop.orders', rowsDone: 5000, rowsEstimated: 100000, bytesDone: 1000, tableBytes: 8_000_000 }],
  bytesWritten: 3 * 1024 * 1024,
  startedAt: '2026-11-28T12:04:31.000Z',
  elapsedMs: 12_000,
  fraction: 0.25,
  etaMs: 36_000,
};

function stream(isTTY: boolean): { write(text: string): void; isTTY: boolean; columns: number; text: string } {
  return {
    isTTY,
    columns: 200,
    text: '',
    write(text: string) {
      this.text += text;
    },
  };
}

describe('backup progress on the command line', () => {
  test('one line: phase, tables, bytes, share, current table with rows, elapsed, ETA', () => {
    assert.equal(progressLine(base), 'dumping  1/3 tables  3.0 MiB  25%  shop.orders 5000/~100000 rows  12s  ETA 36s');
    assert.equal(progressLine({ ...base, currentTables: [{ ...base.currentTables[0]!, table: 'evil\x1b[2Jname' }] }).includes('\x1b'), false);
  });

  test('not a terminal: plain log lines for phases and tables, no cursor control', () => {
    const out = stream(false);
    const progress = cliProgress(out);
    const events: BackupEvent[] = [
      { type: 'phase', progress: { ...base, phase: 'connecting' } },
      { type: 'notice', level: 'info', message: 'using pg_dump 15.18', progress: base },
      { type: 'phase', progress: base },
      { type: 'table', table: 'shop.orders', progress: base },
      { type: 'tick', progress: base },
      { type: 'phase', progress: { ...base, phase: 'done' } },
    ];
    events.forEach((event) => progress.onEvent(event));
    progress.finish();
    assert.equal(
      out.text,
      [
        'pgtop backup: connecting to db1:5432/shop',
        'pgtop backup: using pg_dump 15.18',
        'pgtop backup: dumping shop to /backups/shop-20261128T120431Z.dump.partial (custom format, 3 tables)',
        'pgtop backup: dumping shop.orders (1/3 tables done)',
        '',
      ].join('\n'),
    );
  });

  test('a terminal: one status line rewritten in place, cleared at the end', () => {
    const out = stream(true);
    const progress = cliProgress(out, { now: () => 0 });
    progress.onEvent({ type: 'phase', progress: base });
    progress.onEvent({ type: 'phase', progress: { ...base, phase: 'done' } });
    assert.equal(out.text, `\r\x1b[2Kshop: ${progressLine(base)}\r\x1b[2K`);
    assert.equal(out.text.includes('\n'), false);
  });
});
