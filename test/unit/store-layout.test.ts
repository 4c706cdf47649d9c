import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListedBackup } from '../../src/backup/files/list.js';
import type { MigrationStatus } from '../../src/migrate/status.js';
import { reduce } from '../../src/store/reduce.js';
import { initialState, type AppState, type MigrationRun, type ViewId } from '../../src/store/state.js';
import { screenLines } from '../../src/ui/screen-lines.js';
import { stripVTControlCharacters } from 'node:util';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const COUNT = 100;
const name = (i: number): string => `V${String(i).padStart(3, '0')}__step_${i}.sql`;

function status(refusals: number): MigrationStatus {
  return {
    target: 'db:5432/app',
    role: 'owner',
    dir: 'migrations',
    trackingTableExists: true,
    entries: Array.from({ length: COUNT }, (_, i) => ({ version: i + 1, fileName: name(i + 1), state: 'applied' as const })),
    pending: [],
    ignored: [],
    refusals: Array.from({ length: refusals }, (_, i) => ({ kind: 'drifted' as const, message: `refusal ${i}` })),
  };
}

const run: MigrationRun = {
  startedAt: NOW,
  file: name(1),
  fileIndex: 0,
  fileTotal: 1,
  statement: undefined,
  retries: 0,
  blockers: [],
  waitingFor: undefined,
  log: ['one', 'two', 'three', 'four'],
  finished: undefined,
};

const backup = (i: number): ListedBackup => ({
  file: `app-${String(i).padStart(3, '0')}.dump`,
  path: `/b/${i}`,
  kind: 'dump',
  format: 'custom',
  database: 'app',
  takenAt: '2024-05-01T12:00:00Z',
  sizeBytes: 1000,
  verified: true,
  sha256: null,
  manifest: null,
  problem: null,
});

function stateFor(view: ViewId, variant: 'plain' | 'busy', rows: number): AppState {
  const base = initialState({ intervalSeconds: 2, readOnly: false, columns: 120, rows, target: 't', now: NOW });
  const busy = variant === 'busy';
  return {
    ...base,
    view,
    migrations: { ...base.migrations, status: status(busy ? 2 : 0), run: busy ? run : undefined },
    backups: { ...base.backups, list: Array.from({ length: COUNT }, (_, i) => backup(i + 1)) },
  };
}

const keyOf: Record<'migrations' | 'backups', (i: number) => string> = { migrations: (i) => name(i + 1), backups: (i) => backup(i + 1).file };

describe('one layout for the reducer and the screen', () => {
  for (const view of ['migrations', 'backups'] as const) {
    for (const variant of ['plain', 'busy'] as const) {
      for (const rows of [24, 40]) {
        test(`${view} (${variant}, ${rows} rows): paging down shows every row, and the selected one is always on screen`, () => {
          let state = stateFor(view, variant, rows);
          const seen = new Set<string>();
          for (let page = 0; page < COUNT; page++) {
            const screen = screenLines(state).map((line) => stripVTControlCharacters(line));
            for (let i = 0; i < COUNT; i++) if (screen.some((line) => line.includes(keyOf[view](i)))) seen.add(keyOf[view](i));
            const selected = view === 'migrations' ? state.migrations.selection.index : state.backups.selection.index;
            assert.ok(screen.some((line) => line.includes(keyOf[view](selected))), `row ${selected} is selected but not drawn`);
            state = reduce(state, { type: 'command', command: 'move.pageDown' });
          }
          assert.equal(seen.size, COUNT, `rows never drawn: ${Array.from({ length: COUNT }, (_, i) => keyOf[view](i)).filter((k) => !seen.has(k)).join(', ')}`);
        });
      }
    }
  }
});
