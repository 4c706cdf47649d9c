import type { Intent } from '../actions/intents.js';
import { isStateCommand } from '../store/commands.js';
import type { AppEvent } from '../store/events.js';
import { tooSmall } from '../store/layout.js';
import { TYPED_DIALOGS, type AppState } from '../store/state.js';
import { commandFor } from './bindings.js';
import { completeTarget } from '../store/targets.js';
import { timelineMode } from '../store/timeline.js';
import { helpPage } from './help.js';
import { keyLabel } from './keys.js';

/** The modes the keys work in; each has its own small table, and `otherwise` for the keys not in it. */
export type KeyMode = 'too-small' | 'confirm' | 'typed-confirm' | 'overlay' | 'picker' | 'filter' | 'goto' | 'detail' | 'table';

interface ModeKeys {
  keys: Record<string, (state: AppState) => Intent>;
  otherwise: (state: AppState, key: string, input: string) => Intent;
}

const NONE: Intent = { kind: 'none' };
const QUIT: Intent = { kind: 'act', command: 'quit' };
const dispatch = (event: AppEvent): Intent => ({ kind: 'dispatch', event });
const isPrintable = (text: string): boolean => text !== '' && /^[^\p{C}]+$/u.test(text);

/** Rows a page of the detail's query scrolls: most of the screen, keeping a little context. */
const detailPage = (state: AppState): number => Math.max(1, state.terminal.rows - 14);
const draftOf = (state: AppState): string => (state.view === 'statements' ? state.statements.filterDraft : state.sessions.filterDraft) ?? '';
const pickerDraftOf = (state: AppState): string => state.targets.pickerDraft ?? '';
const typedOf = (state: AppState): string => (state.dialog && 'typed' in state.dialog ? state.dialog.typed : '');
const gotoOf = (state: AppState): string => state.timeline?.gotoDraft ?? '';
const gotoDraft = (state: AppState, text: string | undefined): Intent => (state.timeline ? dispatch({ type: 'timeline', timeline: { ...state.timeline, gotoDraft: text } }) : NONE);
const isTypedDialog = (kind: string): boolean => (TYPED_DIALOGS as readonly string[]).includes(kind);

/** On a help of several pages, the next page; on its last page, or any other overlay, closes it. */
function nextHelpPage(state: AppState): Intent {
  if (state.dialog?.kind !== 'help') return dispatch({ type: 'dialog-close' });
  const { page, pages } = helpPage(state);
  return page + 1 < pages ? dispatch({ type: 'dialog-open', dialog: { kind: 'help', page: page + 1 } }) : dispatch({ type: 'dialog-close' });
}

/** The command a key is bound to in the table: a state change is dispatched, an action is acted on. */
function tableIntent(state: AppState, key: string): Intent {
  const command = commandFor(key, state.view, state.readOnly, timelineMode(state));
  if (!command) return refusal(state, key);
  return isStateCommand(command) ? dispatch({ type: 'command', command }) : { kind: 'act', command };
}

/**
 * A key that works live but not here (read-only, a replay, rewinding): nothing is done, and the footer says
 * why. A key bound nowhere in the view says nothing.
 */
function refusal(state: AppState, key: string): Intent {
  const mode = timelineMode(state);
  if (!commandFor(key, state.view, false)) return NONE;
  const label = keyLabel(key);
  const offReadOnly = state.readOnly && !commandFor(key, state.view, true);
  let text: string | undefined;
  if (mode === 'replay') text = `${label}: a replay of a recording: there is no server, nothing to act on`;
  else if (offReadOnly) text = `${label}: pgtop is read-only (--read-only, or read_only in the profile): keys that change the server are off`;
  else if (mode === 'rewind') text = `${label}: not live (rewinding): l returns to live, where it works`;
  return text === undefined ? NONE : dispatch({ type: 'message', text, tone: 'info', at: state.now });
}

export const MODES: Record<KeyMode, ModeKeys> = {
  // Nothing is acted on that the user cannot see: below the minimum size the screen shows only a notice.
  'too-small': { keys: { q: () => QUIT }, otherwise: (state) => (state.dialog ? { kind: 'dismiss' } : NONE) },
  confirm: { keys: { y: () => ({ kind: 'confirm' }), Y: () => ({ kind: 'confirm' }) }, otherwise: () => ({ kind: 'decline' }) },
  'typed-confirm': {
    keys: {
      escape: () => ({ kind: 'decline' }),
      enter: () => ({ kind: 'confirm' }),
      backspace: (state) => dispatch({ type: 'dialog-typed', text: typedOf(state).slice(0, -1) }),
    },
    otherwise: (state, _key, input) => ([...input].length === 1 && isPrintable(input) ? dispatch({ type: 'dialog-typed', text: typedOf(state) + input }) : NONE),
  },
  picker: {
    keys: {
      tab: (state) => dispatch({ type: 'picker-draft', text: completeTarget(pickerDraftOf(state), state.targets.names) }),
      enter: () => ({ kind: 'switch-target' }),
      escape: () => dispatch({ type: 'picker-draft', text: undefined }),
      backspace: (state) => dispatch({ type: 'picker-draft', text: pickerDraftOf(state).slice(0, -1) }),
      'ctrl-u': () => dispatch({ type: 'picker-draft', text: '' }),
    },
    otherwise: (state, key, input) => (!key.startsWith('ctrl-') && isPrintable(input) ? dispatch({ type: 'picker-draft', text: pickerDraftOf(state) + input }) : NONE),
  },
  overlay: { keys: { q: () => QUIT, space: nextHelpPage, pagedown: nextHelpPage }, otherwise: () => dispatch({ type: 'dialog-close' }) },
  filter: {
    keys: {
      enter: (state) => dispatch({ type: 'filter-apply', text: draftOf(state).trim() }),
      escape: () => dispatch({ type: 'filter-draft', text: undefined }),
      backspace: (state) => dispatch({ type: 'filter-draft', text: draftOf(state).slice(0, -1) }),
      'ctrl-u': () => dispatch({ type: 'filter-draft', text: '' }),
      space: (state) => dispatch({ type: 'filter-draft', text: `${draftOf(state)} ` }),
    },
    otherwise: (state, key, input) => (!key.startsWith('ctrl-') && isPrintable(input) ? dispatch({ type: 'filter-draft', text: draftOf(state) + input }) : NONE),
  },
  goto: {
    keys: {
      enter: (state) => ({ kind: 'goto', text: gotoOf(state) }),
      escape: (state) => gotoDraft(state, undefined),
      backspace: (state) => gotoDraft(state, gotoOf(state).slice(0, -1)),
      space: (state) => gotoDraft(state, `${gotoOf(state)} `),
    },
    otherwise: (state, key, input) => (!key.startsWith('ctrl-') && isPrintable(input) ? gotoDraft(state, gotoOf(state) + input) : NONE),
  },
  detail: {
    keys: {
      escape: () => dispatch({ type: 'command', command: 'filter.clear' }),
      enter: () => dispatch({ type: 'command', command: 'filter.clear' }),
      down: () => dispatch({ type: 'detail-scroll', rows: 1 }),
      up: () => dispatch({ type: 'detail-scroll', rows: -1 }),
      pagedown: (state) => dispatch({ type: 'detail-scroll', rows: detailPage(state) }),
      space: (state) => dispatch({ type: 'detail-scroll', rows: detailPage(state) }),
      pageup: (state) => dispatch({ type: 'detail-scroll', rows: -detailPage(state) }),
      home: () => dispatch({ type: 'detail-scroll', rows: 'top' }),
    },
    otherwise: (state, key) => tableIntent(state, key),
  },
  table: { keys: {}, otherwise: (state, key) => tableIntent(state, key) },
};

export function keyMode(state: AppState): KeyMode {
  if (tooSmall(state)) return 'too-small';
  const dialog = state.dialog?.kind;
  if (dialog === 'help' || dialog === 'messages') return 'overlay';
  if (isTypedDialog(dialog ?? '')) return 'typed-confirm';
  if (dialog) return 'confirm';
  if (state.targets.pickerDraft !== undefined) return 'picker';
  if (state.timeline?.gotoDraft !== undefined) return 'goto';
  if (state.sessions.filterDraft !== undefined && state.view === 'sessions') return 'filter';
  if (state.statements.filterDraft !== undefined && state.view === 'statements') return 'filter';
  if (state.detailPid !== undefined || state.plan !== undefined) return 'detail';
  if (state.statements.detailKey !== undefined && state.view === 'statements') return 'detail';
  return 'table';
}

/** What a key press means in this state: Ctrl-C always quits; every other key is looked up in its mode's table. */
export function resolveKey(state: AppState, key: string, input: string): Intent {
  if (key === 'ctrl-c') return QUIT;
  const mode = MODES[keyMode(state)];
  const bound = mode.keys[key];
  return bound ? bound(state) : mode.otherwise(state, key, input);
}
