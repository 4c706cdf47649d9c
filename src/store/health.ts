import type { Finding } from '../health/types.js';
import { tableRows } from './layout.js';
import { poolKey } from './pools.js';
import { resolveSelection } from './selection.js';
import type { AppState, ViewId } from './state.js';

const ORDER: Record<Finding['severity'], number> = { critical: 0, warning: 1, unknown: 2, ok: 3 };

/** The findings as the Health view lists them: worst first, then in the checks' order. */
export function healthRows(state: AppState): Finding[] {
  const findings = state.health.findings ?? [];
  return findings.map((finding, index) => ({ finding, index })).sort((a, b) => ORDER[a.finding.severity] - ORDER[b.finding.severity] || a.index - b.index).map((entry) => entry.finding);
}

export function selectedFinding(state: AppState): Finding | undefined {
  const rows = healthRows(state);
  return rows[resolveSelection(rows.map((r) => r.id), state.health.selection, tableRows(state, 'health')).index];
}

/** The finding whose detail is open, or under the cursor: what `g` goes to. */
export function focusedFinding(state: AppState): Finding | undefined {
  if (state.health.detailId !== undefined) return state.health.findings?.find((f) => f.id === state.health.detailId);
  return selectedFinding(state);
}

const VIEW_OF_TARGET: Record<string, ViewId | undefined> = {
  sessions: 'sessions',
  locks: 'locks',
  pools: 'pools',
  migrations: 'migrations',
  backups: 'backups',
  statements: 'statements',
  replication: 'replication',
  vacuum: 'vacuum',
};

/**
 * Goes to what a finding is about: the session (selected, its detail open), the pool or the slot
 * (selected), or the view that shows it. Undefined when the finding points nowhere.
 */
export function jumpToFinding(state: AppState, finding: Finding | undefined): AppState | undefined {
  const target = finding?.target;
  if (!target) return undefined;
  const keep = (view: ViewId): AppState => ({ ...state, view, detailPid: undefined, health: { ...state.health, detailId: undefined } });
  switch (target.kind) {
    case 'session': {
      const next = keep('sessions');
      const session = state.pg.snapshot?.sessions.find((s) => s.pid === target.pid);
      const idle = session?.state === 'idle';
      return {
        ...next,
        detailPid: target.pid,
        sessions: { ...next.sessions, filter: '', filterDraft: undefined, showIdle: next.sessions.showIdle || idle, selection: { ...next.sessions.selection, key: target.pid } },
      };
    }
    case 'pool': {
      const next = keep('pools');
      return { ...next, bouncer: { ...next.bouncer, selection: { ...next.bouncer.selection, key: poolKey(target) } } };
    }
    case 'view': {
      const view = VIEW_OF_TARGET[target.view];
      return view ? keep(view) : undefined;
    }
    case 'slot': {
      const next = keep('replication');
      return { ...next, replication: { ...next.replication, selection: { ...next.replication.selection, key: target.name } } };
    }
  }
}
