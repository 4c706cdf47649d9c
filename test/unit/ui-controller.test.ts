import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSettings } from '../../src/config/types.js';
import { PostgresSource } from '../../src/sources/postgres.js';
import type { Session } from '../../src/sources/types.js';
import { selectedPid } from '../../src/store/reduce.js';
import { initialState, type AppState } from '../../src/store/state.js';
import { Controller } from '../../src/ui/controller.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const EMPTY_DIR = mkdtempSync(join(tmpdir(), 'pgtop-controller-test-'));
process.once('exit', () => rmSync(EMPTY_DIR, { recursive: true, force: true }));
const SETTINGS: ConnectionSettings = { host: '127.0.0.1', port: 1, user: 'tester', database: 'app', sslmode: 'disable', extra: {} };

/** Filtering on `app-2` finds session 2; its dialog target carries backend start 171456120000002. */
const session = (pid: number, queryAgeSeconds: number): Session => syntheticSession(pid, { queryAgeSeconds, application: `app-${pid}`, backendStartUs: `17145612000000${pid}` });

/** A controller on three sessions (listed 1, 2, 3) that never polls. */
function setup(readOnly = false): { controller: Controller; quits: () => number; press: (...keys: string[]) => void; state: () => AppState } {
  let quits = 0;
  const controller = new Controller(
    initialState({ intervalSeconds: 2, readOnly, columns: 120, rows: 30, target: 'db:5432/app', now: NOW, migrationsDir: EMPTY_DIR, backupDir: EMPTY_DIR }),
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
  controller.dispatch({ type: 'pg-data', snapshot: syntheticSnapshot([session(1, 30), session(2, 20), session(3, 10)]), ownPid: undefined, at: NOW });
  const press = (...keys: string[]): void => {
    for (const key of keys) controller.handleKey(key, [...key].length === 1 ? key : key === 'space' ? ' ' : '');
  };
  return { controller, quits: () => quits, press, state: controller.getState };
}

describe('Controller: keys and dialogs', () => {
  test('the confirmation stays pinned to its session while refreshes reorder or drop it', () => {
    const { controller, press, state } = setup();
    press('j');
    assert.equal(selectedPid(state()), 2);
    press('K');
    const dialog = state().dialog;
    assert.ok(dialog?.kind === 'signal');
    assert.deepEqual(
      dialog.targets.map((t) => ({ pid: t.pid, backendStartUs: t.backendStartUs })),
      [{ pid: 2, backendStartUs: '171456120000002' }],
    );

    controller.dispatch({ type: 'pg-data', snapshot: syntheticSnapshot([session(2, 99), session(3, 10), session(4, 50)]), ownPid: undefined, at: NOW + 2000 });
    controller.dispatch({ type: 'pg-data', snapshot: syntheticSnapshot([session(3, 10), session(4, 50)]), ownPid: undefined, at: NOW + 4000 });
    assert.deepEqual(state().dialog, dialog, 'the dialog and its target do not move');
  });

  test('any key but y closes the dialog and says nothing was done', () => {
    for (const key of ['n', 'N', 'escape', 'enter', 'space', 'q', 'K', 'c']) {
      const { press, state, quits } = setup();
      press('K');
      assert.equal(state().dialog?.kind, 'signal');
      press(key);
      assert.equal(state().dialog, undefined, key);
      assert.match(state().message?.text ?? '', /terminate not confirmed: nothing was done/, key);
      assert.equal(quits(), 0, `${key} in the dialog does not quit`);
    }
  });

  test('with tagged sessions, c and K act on all of them', () => {
    const { press, state } = setup();
    press('space', 'space');
    assert.deepEqual(state().sessions.tagged, [1, 2]);
    press('c');
    const dialog = state().dialog;
    assert.ok(dialog?.kind === 'signal');
    assert.equal(dialog.signal, 'cancel');
    assert.deepEqual(dialog.targets.map((t) => t.pid), [1, 2]);
  });

  test('with no session selected, c says so instead of opening a dialog', () => {
    const { controller, press, state } = setup();
    controller.dispatch({ type: 'pg-data', snapshot: syntheticSnapshot([]), ownPid: undefined, at: NOW });
    press('c');
    assert.equal(state().dialog, undefined);
    assert.match(state().message?.text ?? '', /no session selected/);
  });

  test('read-only: c and K open nothing; the footer says why', () => {
    const { press, state } = setup(true);
    const before = state();
    press('c', 'K');
    assert.equal(state().dialog, undefined);
    assert.deepEqual(state().messages.map((m) => m.text.split(':')[0]), ['c', 'K']);
    assert.match(state().message?.text ?? '', /^K: pgtop is read-only/);
    assert.deepEqual({ ...state(), message: undefined, messages: [] }, { ...before, message: undefined, messages: [] });
  });

  test('the filter prompt takes every key, q and K included, until Enter or Escape', () => {
    const { press, state, quits } = setup();
    press('/', 'q', 'K', 'c', '1');
    assert.equal(state().sessions.filterDraft, 'qKc1');
    assert.equal(state().dialog, undefined);
    assert.equal(state().view, 'sessions');
    assert.equal(quits(), 0);
    press('escape');
    assert.equal(state().sessions.filterDraft, undefined);
    press('/', 'a', 'p', 'p', '-', '2', 'enter');
    assert.equal(state().sessions.filter, 'app-2');
    assert.equal(selectedPid(state()), 2);
    press('escape');
    assert.equal(state().sessions.filter, '', 'Esc clears the applied filter');
  });

  test('help: any key closes it; q closes it and quits', () => {
    const { press, state, quits } = setup();
    press('?');
    assert.equal(state().dialog?.kind, 'help');
    press('K');
    assert.equal(state().dialog, undefined);
    assert.equal(state().message, undefined, 'K only closed the help');
    press('?', 'q');
    assert.equal(quits(), 1);
  });

  test('Enter opens the detail of the selected session; Esc and Enter close it', () => {
    const { press, state } = setup();
    press('j', 'enter');
    assert.equal(state().detailPid, 2);
    press('escape');
    assert.equal(state().detailPid, undefined);
    press('enter', 'enter');
    assert.equal(state().detailPid, undefined);
  });

  test('K in the detail targets the session shown', () => {
    const { press, state } = setup();
    press('j', 'j', 'enter', 'K');
    const dialog = state().dialog;
    assert.ok(dialog?.kind === 'signal');
    assert.deepEqual(dialog.targets.map((t) => t.pid), [3]);
  });

  test('in a terminal too small to draw the screen, K opens no dialog that a blind y could confirm', () => {
    const { controller, press, state } = setup();
    controller.dispatch({ type: 'resize', columns: 70, rows: 18 });
    press('K');
    assert.equal(state().dialog, undefined, 'the dialog would not be visible, so it must not open');
    press('y');
    assert.equal(state().busy, undefined, 'nothing is being terminated');
  });

  test('a dialog hidden by shrinking the terminal cannot be confirmed until it is visible again', () => {
    const { controller, press, state } = setup();
    press('K');
    assert.equal(state().dialog?.kind, 'signal');
    controller.dispatch({ type: 'resize', columns: 70, rows: 18 });
    press('y');
    assert.equal(state().busy, undefined, 'y on a dialog the user cannot see must not terminate anything');
  });

  test('Ctrl-C quits from anywhere, even with a dialog open or while typing a filter', () => {
    for (const keys of [['K'], ['/', 'x'], ['?'], []]) {
      const { press, quits } = setup();
      press(...keys, 'ctrl-c');
      assert.equal(quits(), 1, keys.join(' '));
    }
  });
});
