import { countStates } from './derive.js';
import type { AppState } from './state.js';

/** What the header's line for one target says: enough to see which server needs a look. */
export interface TargetSummary {
  name: string;
  role: 'primary' | 'standby' | undefined;
  connections: number | undefined;
  maxConnections: number | undefined;
  active: number;
  waiting: number;
  /** A standby's replay lag (seconds behind its primary's last commit), or a primary's worst standby's. */
  lagSeconds: number | null;
  /** Pools of this target's PgBouncer that are saturated, and how many it has; undefined without one. */
  pools: { saturated: number; total: number; down: boolean } | undefined;
  /** The connection's error while the target is down, and since when (ms since epoch). */
  down: { message: string; since: number } | undefined;
  lastGoodAt: number | undefined;
}

/** The picker's state and what the other targets look like, as the selected target's screen knows them. */
export interface TargetsState {
  /** This screen's target when pgtop watches several; undefined when it watches one server. */
  current: string | undefined;
  names: string[];
  summaries: TargetSummary[];
  /** The name being typed after `:`; undefined while the picker is closed. */
  pickerDraft: string | undefined;
}

export const singleTarget = (): TargetsState => ({ current: undefined, names: [], summaries: [], pickerDraft: undefined });

function lagOf(state: AppState): number | null {
  const replication = state.replication.snapshot;
  if (!replication) return null;
  if (replication.role === 'standby') return replication.recovery?.replayAgeSeconds ?? null;
  const lags = replication.standbys.map((s) => s.replayLagSeconds).filter((lag): lag is number => lag !== null);
  return lags.length > 0 ? Math.max(...lags) : null;
}

/** One target's summary from its own screen's state. */
export function summarize(name: string, state: AppState): TargetSummary {
  const snapshot = state.pg.snapshot;
  const counts = countStates(snapshot?.sessions ?? []);
  const pools = state.bouncer.configured
    ? { saturated: state.bouncer.snapshot?.pools.filter((p) => p.saturated).length ?? 0, total: state.bouncer.snapshot?.pools.length ?? 0, down: state.bouncer.error !== undefined }
    : undefined;
  return {
    name,
    role: snapshot?.server.role,
    connections: snapshot ? counts.total + 1 : undefined,
    maxConnections: snapshot?.server.maxConnections,
    active: counts.active,
    waiting: counts.waiting,
    lagSeconds: lagOf(state),
    pools,
    down: state.pg.error ? { message: state.pg.error.message, since: state.pg.error.since } : undefined,
    lastGoodAt: state.pg.lastGoodAt,
  };
}

/** The names that start with what was typed (case-insensitively), in their order. */
export function matchingTargets(draft: string, names: readonly string[]): string[] {
  const typed = draft.trim().toLowerCase();
  return names.filter((name) => name.toLowerCase().startsWith(typed));
}

/** Tab in the picker: the one name that matches, else the longest start that every match shares. */
export function completeTarget(draft: string, names: readonly string[]): string {
  const matches = matchingTargets(draft, names);
  const [first] = matches;
  if (first === undefined) return draft;
  let common = first;
  for (const name of matches) {
    while (!name.toLowerCase().startsWith(common.toLowerCase())) common = common.slice(0, -1);
  }
  return common.length >= draft.trim().length ? common : draft;
}

/** Enter in the picker: the exact name (any case), else the only name that starts so. */
export function chosenTarget(draft: string, names: readonly string[]): string | undefined {
  const exact = names.find((name) => name.toLowerCase() === draft.trim().toLowerCase());
  if (exact) return exact;
  const matches = matchingTargets(draft, names);
  return matches.length === 1 ? matches[0] : undefined;
}

/** How many header lines the targets take: one each when there are several, none for a single server. */
export const targetLineCount = (state: AppState): number => (state.targets.summaries.length > 1 ? state.targets.summaries.length : 0);
