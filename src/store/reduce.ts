import { sessionFieldIds } from './session-fields.js';
import type { StateCommand } from './commands.js';
import type { AppEvent } from './events.js';
import { computeRates } from './derive.js';
import { lockTreeRows } from './lock-tree.js';
import { MOVES_BY_COMMAND, moveSelection, resolveSelection, type Movement } from './selection.js';
import { extendHistory, poolRows } from './pools.js';
import { reduceAlembic } from './reduce-alembic.js';
import { reduceMaintenance } from './reduce-maintenance.js';
import { reduceStatements } from './reduce-statements.js';
import type { PoolRow } from './pool-fields.js';
import { poolFields } from './pool-fields.js';
import { pidsOf, sessionsViewModel } from './selectors.js';
import { tableRows } from './layout.js';
import { VIEWS, type AppState } from './state.js';
import { focusedFinding, healthRows, jumpToFinding, selectedFinding } from './health.js';
import { receiveReplication } from './replication-history.js';
import { openPicker, reduceTargets } from './reduce-targets.js';
import { withoutData } from './timeline.js';

/** How many messages the messages overlay keeps. */
const MESSAGES_KEPT = 20;

export const INTERVAL_STEPS = [0.5, 1, 2, 3, 5, 10, 15, 30, 60];

export function reduce(state: AppState, event: AppEvent): AppState {
  const maintenance = reduceMaintenance(state, event);
  if (maintenance) return maintenance;
  const alembic = reduceAlembic(state, event);
  if (alembic) return alembic;
  const statements = reduceStatements(state, event);
  if (statements) return statements;
  const targets = reduceTargets(state, event);
  if (targets) return targets;
  switch (event.type) {
    case 'pg-data':
      return {
        ...state,
        pg: {
          ...state.pg,
          rates: computeRates(state.pg.snapshot?.server, event.snapshot.server),
          snapshot: event.snapshot,
          ownPid: event.ownPid,
          lastGoodAt: event.at,
          error: undefined,
        },
        sessions: {
          ...state.sessions,
          // Remember where the selected row is shown now: if the refresh removes it, the cursor stays there.
          selection: sessionsViewModel(state).selection,
          tagged: state.sessions.tagged.filter((pid) => event.snapshot.sessions.some((s) => s.pid === pid)),
        },
        now: event.at,
      };
    case 'pg-error':
      return {
        ...state,
        pg: { ...state.pg, error: { message: event.message, since: state.pg.error?.since ?? event.at, retryInMs: event.retryInMs } },
        now: event.at,
      };
    case 'resize':
      return { ...state, terminal: { columns: event.columns, rows: event.rows } };
    case 'clock':
      return { ...state, now: event.now };
    case 'command':
      return reduceCommand(state, event.command);
    case 'filter-draft':
      return { ...state, sessions: { ...state.sessions, filterDraft: event.text } };
    case 'filter-apply':
      return { ...state, sessions: { ...state.sessions, filter: event.text, filterDraft: undefined } };
    case 'dialog-open':
      return { ...state, dialog: event.dialog };
    case 'dialog-close':
      return { ...state, dialog: undefined };
    case 'detail-scroll':
      return { ...state, detailRow: event.rows === 'top' ? 0 : Math.max(0, state.detailRow + event.rows) };
    case 'message': {
      const message = { text: event.text, tone: event.tone, at: event.at };
      return { ...state, message, messages: [...state.messages, message].slice(-MESSAGES_KEPT) };
    }
    case 'busy':
      return { ...state, busy: event.text };
    case 'replication-data':
      return { ...state, replication: receiveReplication(state.replication, event.snapshot) };
    case 'replication-error':
      return { ...state, replication: { ...state.replication, error: event.message } };
    case 'vacuum-data':
      return { ...state, vacuum: { ...state.vacuum, snapshot: event.snapshot, partial: event.partial === true, error: undefined } };
    case 'vacuum-error':
      return { ...state, vacuum: { ...state.vacuum, error: event.message } };
    case 'bouncer-data':
      return {
        ...state,
        bouncer: { ...state.bouncer, snapshot: event.snapshot, history: extendHistory(state.bouncer.history, event.snapshot), lastGoodAt: event.at, error: undefined },
      };
    case 'bouncer-error':
      return {
        ...state,
        bouncer: { ...state.bouncer, error: { message: event.message, since: state.bouncer.error?.since ?? event.at, retryInMs: event.retryInMs } },
      };
    case 'bouncer-pending':
      return { ...state, bouncer: { ...state.bouncer, pendingPauses: event.databases } };
    case 'health-data':
      return { ...state, health: { ...state.health, findings: event.findings, takenAt: event.at, error: undefined } };
    case 'health-error':
      return { ...state, health: { ...state.health, error: event.message } };
    case 'timeline':
      return { ...state, timeline: event.timeline };
    case 'data-reset':
      return withoutData(state);
    case 'untag':
      return { ...state, sessions: { ...state.sessions, tagged: state.sessions.tagged.filter((pid) => !event.pids.includes(pid)) } };
    default:
      return state;
  }
}

function reduceCommand(state: AppState, command: StateCommand): AppState {
  const movement = MOVES_BY_COMMAND[command];
  if (movement !== undefined) return move(state, movement);
  switch (command) {
    case 'view.sessions':
    case 'view.locks':
    case 'view.pools':
    case 'view.migrations':
    case 'view.backups':
    case 'view.statements':
      return { ...state, view: command.slice(5) as AppState['view'], detailPid: undefined, plan: undefined };
    case 'view.health':
    case 'view.replication':
    case 'view.vacuum':
      return { ...state, view: command.slice(5) as AppState['view'], detailPid: undefined, plan: undefined };
    case 'health.jump':
      return jumpToFinding(state, focusedFinding(state)) ?? state;
    case 'view.next':
    case 'view.previous': {
      const step = command === 'view.next' ? 1 : VIEWS.length - 1;
      return { ...state, view: VIEWS[(VIEWS.indexOf(state.view) + step) % VIEWS.length] ?? 'sessions', detailPid: undefined };
    }
    case 'target.pick': {
      const opened = openPicker(state);
      return 'type' in opened ? reduce(state, opened) : opened;
    }
    case 'filter.open':
      return { ...state, sessions: { ...state.sessions, filterDraft: state.sessions.filter } };
    case 'filter.clear':
      if (state.detailPid !== undefined) return { ...state, detailPid: undefined };
      if (state.view === 'health') return { ...state, health: { ...state.health, detailId: undefined } };
      return { ...state, sessions: { ...state.sessions, filter: '', filterDraft: undefined } };
    case 'sort.left':
    case 'sort.right': {
      if (state.view === 'pools') {
        const ids = poolFields.map((c) => c.id);
        const at = ids.indexOf(state.bouncer.sortColumn);
        const next = ids[(at + (command === 'sort.right' ? 1 : ids.length - 1)) % ids.length] ?? 'database';
        return { ...state, bouncer: { ...state.bouncer, sortColumn: next } };
      }
      const ids = sessionFieldIds(state.bouncer.configured);
      const at = ids.indexOf(state.sessions.sortColumn);
      const next = ids[(at + (command === 'sort.right' ? 1 : ids.length - 1)) % ids.length] ?? 'pid';
      return { ...state, sessions: { ...state.sessions, sortColumn: next } };
    }
    case 'sort.reverse':
      if (state.view === 'pools') return { ...state, bouncer: { ...state.bouncer, sortDescending: !state.bouncer.sortDescending } };
      return { ...state, sessions: { ...state.sessions, sortDescending: !state.sessions.sortDescending } };
    case 'pooled.toggle':
      return { ...state, sessions: { ...state.sessions, onlyPooled: !state.sessions.onlyPooled } };
    case 'idle.toggle':
      return { ...state, sessions: { ...state.sessions, showIdle: !state.sessions.showIdle } };
    case 'tag.toggle': {
      const pid = selectedPid(state);
      if (pid === undefined) return state;
      const tagged = state.sessions.tagged.includes(pid) ? state.sessions.tagged.filter((p) => p !== pid) : [...state.sessions.tagged, pid];
      return move({ ...state, sessions: { ...state.sessions, tagged } }, 1);
    }
    case 'detail.open': {
      if (state.view === 'health') {
        if (state.health.detailId !== undefined) return { ...state, health: { ...state.health, detailId: undefined } };
        const finding = selectedFinding(state);
        return finding ? { ...state, health: { ...state.health, detailId: finding.id } } : state;
      }
      const pid = selectedPid(state);
      return pid === undefined ? state : { ...state, detailPid: pid, detailRow: 0 };
    }
    case 'refresh.pause':
      return { ...state, paused: !state.paused };
    case 'refresh.slower':
    case 'refresh.faster':
      return { ...state, intervalSeconds: stepInterval(state.intervalSeconds, command === 'refresh.slower' ? 1 : -1) };
    case 'help':
    case 'messages':
      return { ...state, dialog: state.dialog?.kind === command ? undefined : { kind: command } };
    case 'move.up':
    case 'move.down':
    case 'move.pageUp':
    case 'move.pageDown':
    case 'move.home':
    case 'move.end':
    case 'statements.mode':
    case 'statement.ofSession':
      return state;
  }
}

export function stepInterval(current: number, direction: 1 | -1): number {
  if (direction > 0) return INTERVAL_STEPS.find((s) => s > current) ?? INTERVAL_STEPS[INTERVAL_STEPS.length - 1] ?? current;
  return [...INTERVAL_STEPS].reverse().find((s) => s < current) ?? INTERVAL_STEPS[0] ?? current;
}

/** The pid under the cursor in the current view. */
export function selectedPid(state: AppState): number | undefined {
  if (state.view === 'locks') {
    const rows = lockTreeRows(state.pg.snapshot);
    const keys = rows.map((r) => r.pid);
    const index = typeof state.locks.selection.key === 'number' ? keys.indexOf(state.locks.selection.key) : -1;
    return index >= 0 ? keys[index] : keys[Math.min(state.locks.selection.index, keys.length - 1)];
  }
  if (state.view === 'sessions') {
    const key = sessionsViewModel(state).selection.key;
    return typeof key === 'number' ? key : undefined;
  }
  return undefined;
}

/** The pool under the cursor in the Pools view. */
export function selectedPool(state: AppState): PoolRow | undefined {
  const rows = poolRows(state.bouncer);
  return rows[resolveSelection(rows.map((r) => r.key), state.bouncer.selection, tableRows(state, 'pools')).index];
}

function move(state: AppState, movement: Movement): AppState {
  if (state.view === 'locks') {
    const keys = lockTreeRows(state.pg.snapshot).map((r) => r.pid);
    return { ...state, locks: { selection: moveSelection(keys, state.locks.selection, movement, tableRows(state, 'locks')) } };
  }
  if (state.view === 'pools') {
    const keys = poolRows(state.bouncer).map((r) => r.key);
    return { ...state, bouncer: { ...state.bouncer, selection: moveSelection(keys, state.bouncer.selection, movement, tableRows(state, 'pools')) } };
  }
  if (state.view === 'migrations') {
    const keys = (state.migrations.status?.entries ?? []).map((e) => e.version);
    return { ...state, migrations: { ...state.migrations, selection: moveSelection(keys, state.migrations.selection, movement, tableRows(state, 'migrations')) } };
  }
  if (state.view === 'replication') {
    const keys = (state.replication.snapshot?.slots ?? []).map((s) => s.name);
    return { ...state, replication: { ...state.replication, selection: moveSelection(keys, state.replication.selection, movement, tableRows(state, 'replication')) } };
  }
  if (state.view === 'vacuum') {
    const keys = (state.vacuum.snapshot?.horizon ?? []).map((h) => `${h.kind}:${h.id}`);
    return { ...state, vacuum: { ...state.vacuum, selection: moveSelection(keys, state.vacuum.selection, movement, tableRows(state, 'vacuum')) } };
  }
  if (state.view === 'backups') {
    const keys = (state.backups.list ?? []).map((e) => e.file);
    return { ...state, backups: { ...state.backups, selection: moveSelection(keys, state.backups.selection, movement, tableRows(state, 'backups')) } };
  }
  if (state.view === 'health') {
    const keys = healthRows(state).map((f) => f.id);
    return { ...state, health: { ...state.health, selection: moveSelection(keys, state.health.selection, movement, tableRows(state, 'health')) } };
  }
  if (state.view === 'sessions') {
    const model = sessionsViewModel(state);
    const keys = pidsOf(model.rows);
    return { ...state, sessions: { ...state.sessions, selection: moveSelection(keys, model.selection, movement, model.pageHeight) } };
  }
  return state;
}
