import { initialStatementsState } from './statements-state.js';
import type { AppState } from './state.js';

/** Where the data on screen comes from: the server now, a recording, or the monitor's own last minutes. */
export type TimelineMode = 'live' | 'replay' | 'rewind';

/** The position in a recording (or in the rewind buffer) that the screen shows. */
export interface TimelineState {
  mode: 'replay' | 'rewind';
  /** The recorded time shown (ms since the epoch). */
  at: number;
  /** What there is to move through. */
  start: number;
  end: number;
  playing: boolean;
  /** Recorded seconds played per second. */
  speed: number;
  /** The time being typed after g, while the prompt is open. */
  gotoDraft: string | undefined;
  /** Where the recording stopped early (damage, a missing end), shown until the next move. */
  notice: string | undefined;
}

export const timelineMode = (state: AppState): TimelineMode => state.timeline?.mode ?? 'live';

/** The speeds + and - step through while playing. */
export const SPEEDS = [1, 2, 5, 10, 30, 60];

/**
 * The state without any source's data (the screen's choices kept): a seek starts from it. Statement
 * texts are kept: a key's text is the same at any time.
 */
export function withoutData(state: AppState): AppState {
  const fresh = initialStatementsState();
  const { snapshot: _s, rates: _r, diagnosis: _d, unavailable: _u, lastGoodAt: _l, error: _e, resetAt: _z, ...choices } = state.statements;
  return {
    ...state,
    pg: { ...state.pg, snapshot: undefined, rates: { tps: null, hitRatio: null }, lastGoodAt: undefined, error: undefined },
    bouncer: { ...state.bouncer, snapshot: undefined, history: {}, lastGoodAt: undefined, error: undefined, pendingPauses: [] },
    replication: { ...state.replication, snapshot: undefined, walBytesPerSecond: null, replayLagHistory: {}, error: undefined },
    vacuum: { ...state.vacuum, snapshot: undefined, partial: false, error: undefined },
    health: { ...state.health, findings: undefined, takenAt: undefined, error: undefined },
    statements: { ...fresh, ...choices },
  };
}
