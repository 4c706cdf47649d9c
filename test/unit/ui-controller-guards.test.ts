import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { ProgressTracker, type BackupEvent } from '../../src/backup/job/progress.js';
import type { ConnectionSettings } from '../../src/config/types.js';
import { PostgresSource } from '../../src/sources/postgres.js';
import type { Session } from '../../src/sources/types.js';
import { selectedPid } from '../../src/store/reduce.js';
import { initialState, type AppState } from '../../src/store/state.js';
import { Controller } from '../../src/ui/controller.js';
import { Fleet } from '../../src/ui/fleet.js';
import { screenLines } from '../../src/ui/screen-lines.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const EMPTY_DIR = mkdtempSync(join(tmpdir(), 'pgtop-controller-guards-'));
process.once('exit', () => rmSync(EMPTY_DIR, { recursive: true, force: true }));
const SETTINGS: ConnectionSettings = { host: '127.0.0.1', port: 1, user: 'tester', database: 'app', sslmode: 'disable', extra: {} };

/** A controller at the minimum size on `sessions`, that never polls; q counts quits instead of exiting. */
function setup(sessions: Session[]): { controller: Controller; quits: () => number; press: (...keys: string[]) => void; state: () => AppState } {
  let quits = 0;
  const controller = new Controller(
    initialState({ intervalSeconds: 2, readOnly: false, columns: 80, rows: 20, target: 'db:5432/app', now: NOW, migrationsDir: EMPTY_DIR, backupDir: EMPTY_DIR }),
    {
      source: new PostgresSource(SETTINGS),
      settings: SETTINGS,
      onQuit: () => {
        quits++;
      },
      writeAudit: () => undefined,
      now: () => NOW,
    },
  );
  controller.stop();
  controller.dispatch({ type: 'pg-data', snapshot: syntheticSnapshot(sessions), ownPid: undefined, at: NOW });
  const press = (...keys: string[]): void => {
    for (const key of keys) controller.handleKey(key, key);
  };
  return { controller, quits: () => quits, press, state: controller.getState };
}

/** A backup's progress event in its dumping phase, as the backup job sends it. */
function dumpingEvent(): BackupEvent {
  let last: BackupEvent | undefined;
  const tracker = new ProgressTracker({ database: 'app', target: 'db:5432/app', format: 'custom', dir: EMPTY_DIR, parallel: false, onEvent: (event) => (last = event), now: () => NOW });
  tracker.setPhase('dumping');
  assert.ok(last);
  return last;
}

const screen = (state: AppState): string => screenLines(state).map((line) => stripVTControlCharacters(line)).join('\n');

describe('q while a job runs', () => {
  test('with nothing running, q quits at once', () => {
    const { press, quits, state } = setup([syntheticSession(1)]);
    press('q');
    assert.equal(quits(), 1);
    assert.equal(state().dialog, undefined);
  });

  for (const [job, start, finish] of [
    ['a migration', { type: 'migration-started', at: NOW }, { type: 'migration-finished', ok: true, message: 'applied 1 migration', at: NOW }],
    ['a backup', { type: 'backup-event', event: dumpingEvent() }, { type: 'backup-finished', ok: true, message: 'backup verified: x.dump', at: NOW }],
  ] as const) {
    test(`with ${job} running, q asks first: n stays, y quits; once it has finished q quits at once`, () => {
      const { controller, press, quits, state } = setup([syntheticSession(1)]);
      controller.dispatch(start);
      press('q');
      assert.deepEqual(state().dialog, { kind: 'quit', running: job });
      assert.equal(quits(), 0, 'q alone does not quit');
      assert.match(screen(state()), new RegExp(`Quit and cancel ${job}\\?[\\s\\S]*y quit[\\s\\S]*q quit`), 'the question is on screen, with the footer');
      press('n');
      assert.equal(state().dialog, undefined);
      assert.equal(quits(), 0);
      assert.equal(state().message?.text, `not quitting: ${job} goes on`);
      press('q', 'y');
      assert.equal(quits(), 1, 'y quits');

      controller.dispatch(finish);
      press('q');
      assert.equal(quits(), 2, 'nothing left to cancel: q quits at once');
    });
  }
});

describe('q with several targets', () => {
  test('a backup running on a target not shown is named in the question; y quits, n leaves it running', () => {
    let quits = 0;
    const target = (name: string) => ({
      name,
      initial: initialState({ intervalSeconds: 2, readOnly: false, columns: 80, rows: 20, target: `${name}:5432/app`, now: NOW, migrationsDir: EMPTY_DIR, backupDir: EMPTY_DIR }),
      deps: { source: new PostgresSource(SETTINGS), settings: SETTINGS, onQuit: () => void quits++, writeAudit: () => undefined, now: () => NOW },
    });
    const fleet = new Fleet([target('alpha'), target('beta')]);
    fleet.stop();
    fleet.controllerOf('beta')?.dispatch({ type: 'backup-event', event: dumpingEvent() });
    fleet.handleKey('q', 'q');
    assert.deepEqual(fleet.getState().dialog, { kind: 'quit', running: 'a backup on beta' });
    assert.equal(quits, 0, 'q alone does not quit');
    fleet.handleKey('n', 'n');
    assert.equal(fleet.getState().message?.text, 'not quitting: a backup on beta goes on');
    fleet.handleKey('q', 'q');
    fleet.handleKey('y', 'y');
    assert.equal(quits, 1);
  });
});

describe("c and K on a standby's WAL replay", () => {
  const replay = syntheticSession(77, { backendType: 'startup', state: null, user: null, application: '', client: null, query: null, queryAgeSeconds: null });
  for (const key of ['c', 'K']) {
    test(`${key} on the startup process is refused with a message and opens no dialog`, () => {
      const { press, state } = setup([replay, syntheticSession(2, { blockedBy: [77], waitEventType: 'Lock', waitEvent: 'relation' })]);
      press('i');
      while (selectedPid(state()) !== 77 && state().sessions.selection.index < 5) press('j');
      assert.equal(selectedPid(state()), 77, 'the startup process is selected');
      press(key);
      assert.equal(state().dialog, undefined, 'no dialog to confirm');
      assert.equal(state().message?.tone, 'error');
      assert.match(state().message?.text ?? '', /^77 is the startup process replaying WAL: it cannot be cancelled or terminated/);
      assert.match(screen(state()).split('\n').at(-1) ?? '', /✗ 77 is the startup process/, 'the footer says so');
    });
  }
});
