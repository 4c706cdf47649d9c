import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BINDINGS, commandFor } from '../../src/keymap/bindings.js';
import { footerHints, helpEntries } from '../../src/keymap/help.js';
import { resolveKey } from '../../src/keymap/router.js';
import { keyLabel } from '../../src/keymap/keys.js';
import { reduce } from '../../src/store/reduce.js';
import { VIEWS, initialState, type AppState, type ViewId } from '../../src/store/state.js';
import type { TimelineState } from '../../src/store/timeline.js';
import { screenLines } from '../../src/ui/screen-lines.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';
import { syntheticStatements } from '../helpers/synthetic-statements.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

/** A screen in `view` with data, live or on a timeline (a replay is read-only, as `pgtop replay` starts it). */
function stateIn(view: ViewId, mode: 'live' | TimelineState['mode'], readOnly = mode === 'replay'): AppState {
  let state = initialState({ intervalSeconds: 2, readOnly, columns: 160, rows: 40, target: 'db:5432/app', now: NOW });
  state = reduce(state, { type: 'pg-data', snapshot: syntheticSnapshot([syntheticSession(1, { state: 'idle in transaction' }), syntheticSession(2, { blockedBy: [1] })]), ownPid: undefined, at: NOW });
  state = reduce(state, { type: 'statements-data', snapshot: syntheticStatements(3), diagnosis: null, at: NOW });
  const timeline: TimelineState | undefined = mode === 'live' ? undefined : { mode, at: NOW, start: NOW - 60_000, end: NOW, playing: false, speed: 1, gotoDraft: undefined, notice: undefined };
  return { ...state, view, timeline };
}

/** Every key that works live in a view but not in `mode`: what a replay or a rewind must refuse. */
function liveOnlyKeys(view: ViewId, mode: TimelineState['mode']): { key: string; command: string }[] {
  const keys = BINDINGS.filter((b) => !b.views || b.views.includes(view)).flatMap((b) => b.keys.map((key) => ({ key, command: b.command, dangerous: b.dangerous === true })));
  return keys.filter(({ key, command }) => commandFor(key, view, false) === command && commandFor(key, view, true, mode) === undefined);
}

const messageOf = (state: AppState, key: string): string | undefined => {
  const intent = resolveKey(state, key, [...key].length === 1 ? key : '');
  return intent.kind === 'dispatch' && intent.event.type === 'message' ? intent.event.text : undefined;
};

describe('keys that change a server, in a replay', () => {
  test('each says there is no server to act on, not that pgtop is read-only', () => {
    let checked = 0;
    for (const view of VIEWS) {
      for (const { key, command } of liveOnlyKeys(view, 'replay')) {
        const text = messageOf(stateIn(view, 'replay'), key);
        assert.equal(text, `${keyLabel(key)}: a replay of a recording: there is no server, nothing to act on`, `${key} (${command}) in ${view}`);
        checked += 1;
      }
    }
    for (const command of ['session.cancel', 'session.terminate', 'pool.pause', 'statements.reset', 'migrations.apply', 'backups.start', 'vacuum.release', 'replication.dropSlot']) {
      const binding = BINDINGS.find((b) => b.command === command);
      assert.ok(binding?.views?.[0], command);
      assert.match(messageOf(stateIn(binding.views[0], 'replay'), binding.keys[0] ?? '') ?? '', /no server, nothing to act on/, command);
    }
    assert.ok(checked > 20, `${checked} keys checked`);
  });

  test('the help and the footer offer none of them, and the footer does not say read-only', () => {
    const dangerous = BINDINGS.filter((b) => b.dangerous);
    for (const view of VIEWS) {
      const help = helpEntries(view, true, 'replay').map((e) => e.description);
      for (const binding of dangerous) assert.ok(!help.includes(binding.description), `${view} help offers ${binding.command}`);
      const hints = footerHints(view, true, 'replay');
      assert.ok(!hints.some((h) => h.acts), `${view} footer offers an action`);
      const footer = screenLines(stateIn(view, 'replay')).at(-1) ?? '';
      assert.doesNotMatch(footer, /read-only/, `${view} footer`);
      for (const binding of dangerous.filter((b) => b.hint && (!b.views || b.views.includes(view)))) {
        assert.ok(!footer.includes(`${keyLabel(binding.keys[0] ?? '')} ${binding.hint}`), `${view} footer shows ${binding.command}: ${footer}`);
      }
    }
  });
});

describe('keys that change a server, while rewinding', () => {
  test('say the screen is not live and how to return, or that pgtop is read-only when it is', () => {
    assert.equal(messageOf(stateIn('sessions', 'rewind', false), 'c'), 'c: not live (rewinding): l returns to live, where it works');
    assert.equal(messageOf(stateIn('pools', 'rewind', false), 'P'), 'P: not live (rewinding): l returns to live, where it works');
    assert.match(messageOf(stateIn('sessions', 'rewind', true), 'K') ?? '', /^K: pgtop is read-only/);
    assert.match(screenLines(stateIn('sessions', 'rewind', true)).at(-1) ?? '', /read-only/);
  });

  test('a key bound nowhere in the view says nothing', () => {
    assert.deepEqual(resolveKey(stateIn('replication', 'replay'), 'Q', 'Q'), { kind: 'none' });
    assert.deepEqual(resolveKey(stateIn('replication', 'rewind'), 'Q', 'Q'), { kind: 'none' });
  });
});

describe('the Migrations and Backups views in a replay', () => {
  test('say the recording holds none, instead of an empty list', () => {
    for (const view of ['migrations', 'backups'] as const) {
      const screen = screenLines(stateIn(view, 'replay')).join('\n');
      assert.match(screen, new RegExp(`Not recorded: a recording holds no ${view}`), view);
      assert.doesNotMatch(screen, /no dumps yet|reading /, view);
      const live = screenLines(stateIn(view, 'live')).join('\n');
      assert.doesNotMatch(live, /Not recorded/, view);
    }
  });
});
