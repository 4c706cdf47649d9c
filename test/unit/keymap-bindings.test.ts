import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSettings } from '../../src/config/types.js';
import { BINDINGS as ALL_BINDINGS, bindingsFor, commandFor, type Binding } from '../../src/keymap/bindings.js';
import { ACTION_HANDLERS } from '../../src/actions/effects.js';
import { STATE_COMMANDS } from '../../src/store/commands.js';
import { footerHints, helpEntries, keysMarkdownTable, keysOf } from '../../src/keymap/help.js';
import { keyLabel } from '../../src/keymap/keys.js';
import { PostgresSource } from '../../src/sources/postgres.js';
import type { PgSnapshot } from '../../src/sources/types.js';
import { reduce } from '../../src/store/reduce.js';
import { VIEWS, initialState, type AppState, type ViewId } from '../../src/store/state.js';
import { Controller } from '../../src/ui/controller.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';
import { syntheticStatements } from '../helpers/synthetic-statements.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

/** Session 2 waits on the idle transaction 1, and 3 on 2; 4 and 5 are active and wait on nothing. */
function snapshot(): PgSnapshot {
  return syntheticSnapshot([
    syntheticSession(1, { state: 'idle in transaction' }),
    syntheticSession(2, { blockedBy: [1], waitEventType: 'Lock', waitEvent: 'transactionid' }),
    syntheticSession(3, { blockedBy: [2], waitEventType: 'Lock', waitEvent: 'tuple' }),
    syntheticSession(4),
    syntheticSession(5),
  ]);
}

// The Migrations and Backups views read their directories when entered: give them an empty one.
const EMPTY_DIR = mkdtempSync(join(tmpdir(), 'pgtop-keymap-test-'));
process.once('exit', () => rmSync(EMPTY_DIR, { recursive: true, force: true }));

const SETTINGS: ConnectionSettings = { host: '127.0.0.1', port: 1, user: 'tester', database: 'app', sslmode: 'disable', extra: {} };

/** A state in `view` with data, a filter and the selection on the second row: where every key can act. */
function stateIn(view: ViewId, readOnly: boolean): AppState {
  let state = initialState({ intervalSeconds: 2, readOnly, columns: 160, rows: 40, target: 'db:5432/app', now: NOW, migrationsDir: EMPTY_DIR, backupDir: EMPTY_DIR });
  state = reduce(state, { type: 'pg-data', snapshot: snapshot(), ownPid: undefined, at: NOW });
  state = { ...state, sessions: { ...state.sessions, filter: 'app' } };
  state = reduce(state, { type: 'command', command: 'move.down' });
  state = reduce({ ...state, view: 'locks' }, { type: 'command', command: 'move.down' });
  const finding = { id: 'locks.queue', severity: 'warning' as const, summary: 's', evidence: [], why: 'w', action: 'a', threshold: 't', target: { kind: 'session' as const, pid: 2 } };
  state = reduce(state, { type: 'health-data', findings: [finding], at: NOW });
  state = reduce(state, { type: 'statements-data', snapshot: syntheticStatements(3), diagnosis: null, at: NOW });
  return { ...state, view };
}

/** A controller that never polls: the source is never asked for data. */
function controllerFor(state: AppState): { controller: Controller; quits: () => number } {
  let quits = 0;
  const controller = new Controller(state, {
    source: new PostgresSource(SETTINGS),
    settings: SETTINGS,
    onQuit: () => {
      quits++;
    },
    writeAudit: () => undefined,
    now: () => NOW,
  });
  controller.stop();
  return { controller, quits: () => quits };
}

/** What Ink would hand over for a key: the character for printable ones, '' for named ones. */
const inputOf = (key: string): string => ([...key].length === 1 ? key : key.startsWith('ctrl-') ? key.slice(5) : key === 'space' ? ' ' : '');

const viewsOf = (binding: Binding): readonly ViewId[] => binding.views ?? VIEWS;

describe('the keymap table', () => {
  test('every binding has keys, a description, and views that exist', () => {
    assert.ok(ALL_BINDINGS.length > 0);
    for (const binding of ALL_BINDINGS) {
      assert.ok(binding.keys.length > 0, `${binding.command} has keys`);
      assert.ok(binding.description.trim().length > 0, `${binding.command} has a description`);
      for (const view of binding.views ?? []) assert.ok((VIEWS as readonly string[]).includes(view), `${binding.command}: unknown view ${view}`);
    }
  });

  test('every command, state change or action, has a key', () => {
    const bound = new Set(ALL_BINDINGS.map((b) => b.command));
    for (const command of [...STATE_COMMANDS, ...Object.keys(ACTION_HANDLERS)]) assert.ok(bound.has(command as Binding['command']), `${command} has no binding`);
  });

  test('no key is bound twice in the same view, live, in a replay or rewinding; off live nothing dangerous is offered', () => {
    for (const view of VIEWS) for (const mode of ['replay', 'rewind'] as const) {
      const seen = new Map<string, string>();
      for (const binding of bindingsFor(view, false, mode)) {
        assert.ok(!binding.dangerous, `${binding.command} offered in ${mode}`);
        for (const key of binding.keys) {
          assert.ok(!seen.has(key), `${mode} ${view}: "${key}" is bound to both ${seen.get(key)} and ${binding.command}`);
          seen.set(key, binding.command);
        }
      }
    }
    for (const view of VIEWS) {
      const seen = new Map<string, string>();
      for (const binding of bindingsFor(view, false)) {
        for (const key of binding.keys) {
          assert.ok(!seen.has(key), `${view}: "${key}" is bound to both ${seen.get(key)} and ${binding.command}`);
          seen.set(key, binding.command);
        }
      }
    }
  });

  test('the input handler uses the whole table: each key of each view maps to its binding', () => {
    for (const view of VIEWS) {
      for (const binding of bindingsFor(view, false)) {
        for (const key of binding.keys) assert.equal(commandFor(key, view, false), binding.command, `${view}: ${key}`);
      }
    }
  });

  test('every binding is handled by the reducer or the controller, in each view it is bound in', () => {
    const unhandled: string[] = [];
    for (const binding of ALL_BINDINGS.filter((b) => !b.timeline || b.timeline.includes('live'))) {
      for (const view of viewsOf(binding)) {
        for (const key of binding.keys) {
          const before = stateIn(view, false);
          const { controller, quits } = controllerFor(before);
          controller.handleKey(key, inputOf(key));
          if (controller.getState() === before && quits() === 0) unhandled.push(`${key} (${binding.command}) in ${view}`);
        }
      }
    }
    assert.deepEqual(unhandled, [], 'keys that do nothing where they are bound');
  });

  test('q and Ctrl-C quit; c and K open a confirmation pinned to the selected session', () => {
    for (const key of ['q', 'ctrl-c']) {
      const { controller, quits } = controllerFor(stateIn('sessions', false));
      controller.handleKey(key, inputOf(key));
      assert.equal(quits(), 1, key);
    }
    for (const [key, signal] of [
      ['c', 'cancel'],
      ['K', 'terminate'],
    ] as const) {
      const { controller } = controllerFor(stateIn('sessions', false));
      controller.handleKey(key, key);
      const dialog = controller.getState().dialog;
      assert.equal(dialog?.kind, 'signal', key);
      assert.ok(dialog?.kind === 'signal');
      assert.equal(dialog.signal, signal);
      assert.equal(dialog.targets.length, 1);
    }
  });
});

describe('--read-only', () => {
  test('drops every dangerous binding and keeps every other one', () => {
    for (const view of VIEWS) {
      const all = bindingsFor(view, false);
      const readOnly = bindingsFor(view, true);
      assert.deepEqual(readOnly, all.filter((b) => !b.dangerous), view);
    }
    assert.ok(ALL_BINDINGS.some((b) => b.dangerous), 'the table marks dangerous bindings');
    for (const command of ['session.cancel', 'session.terminate', 'statements.reset']) {
      assert.ok(ALL_BINDINGS.find((b) => b.command === command)?.dangerous, `${command} is dangerous`);
    }
    assert.ok(bindingsFor('statements', false).some((b) => b.command === 'statements.reset'), 'Z resets pg_stat_statements');
    assert.ok(!bindingsFor('statements', true).some((b) => b.command === 'statements.reset'), 'no reset with --read-only');
  });

  test('a dangerous key opens no dialog and changes nothing: the footer only says why', () => {
    for (const binding of ALL_BINDINGS.filter((b) => b.dangerous)) {
      for (const view of viewsOf(binding)) {
        for (const key of binding.keys) {
          assert.equal(commandFor(key, view, true), undefined, `${key} in ${view}`);
          const before = stateIn(view, true);
          const { controller } = controllerFor(before);
          controller.handleKey(key, inputOf(key));
          const after = controller.getState();
          assert.deepEqual({ ...after, message: undefined, messages: [] }, { ...before, message: undefined, messages: [] }, `${key} (${binding.command}) changed something in read-only ${view}`);
          assert.match(after.message?.text ?? '', /read-only/, `${key} in read-only ${view} says why nothing happens`);
        }
      }
    }
  });

  test('a key bound nowhere in the view says nothing, read-only or not', () => {
    const before = stateIn('replication', true);
    const { controller } = controllerFor(before);
    controller.handleKey('X', 'X');
    assert.equal(controller.getState(), before);
  });

  test('neither the help nor the footer offers a dangerous key', () => {
    const dangerous = ALL_BINDINGS.filter((b) => b.dangerous);
    for (const view of VIEWS) {
      const help = helpEntries(view, true);
      for (const binding of dangerous) assert.ok(!help.some((e) => e.description === binding.description), `${view} help shows ${binding.command}`);
      const hints = footerHints(view, true);
      for (const binding of dangerous) {
        assert.ok(!hints.some((h) => h.label === binding.hint && h.keys === keyLabel(binding.keys[0] ?? '')), `${view} footer shows ${binding.command}`);
      }
    }
  });
});

describe('help, footer and README come from the same table', () => {
  test('the help lists exactly the bindings of the view, in table order', () => {
    for (const view of VIEWS) {
      for (const readOnly of [false, true]) {
        assert.deepEqual(
          helpEntries(view, readOnly),
          bindingsFor(view, readOnly).map((b) => ({ keys: keysOf(b), description: b.description })),
        );
      }
    }
    const sessions = helpEntries('sessions', false);
    assert.ok(sessions.some((e) => e.keys === '/' && /filter/.test(e.description)));
    assert.ok(sessions.some((e) => e.keys === 'q Ctrl-C'));
  });

  test('the footer hints are the bindings with a hint, with their first key', () => {
    for (const view of VIEWS) {
      assert.deepEqual(
        footerHints(view, false),
        bindingsFor(view, false)
          .filter((b) => b.hint)
          .map((b) => ({ keys: keyLabel(b.keys[0] ?? ''), label: b.hint ?? '', essential: b.command === 'help' || b.command === 'quit', acts: b.dangerous === true })),
      );
    }
    const labels = footerHints('sessions', false).map((h) => `${h.keys} ${h.label}`);
    assert.ok(labels.includes('c cancel') && labels.includes('K terminate') && labels.includes('q quit'), labels.join(', '));
  });

  test("the README's key table is the one generated from the bindings", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('<!-- keys:start -->');
    const end = readme.indexOf('<!-- keys:end -->');
    assert.ok(start >= 0 && end > start, 'README.md has the keys:start … keys:end block');
    const block = readme.slice(start + '<!-- keys:start -->'.length, end);
    assert.equal(block, `\n${keysMarkdownTable()}\n`, 'README key table is out of date: run npm run readme:keys');
  });
});
