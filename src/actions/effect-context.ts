import type { AuditEntry } from '../audit/log.js';
import type { ConnectionSettings } from '../config/types.js';
import type { AppEvent } from '../store/events.js';
import type { AppState, Message } from '../store/state.js';
import type { BouncerActions } from './bouncer.js';
import type { MaintenanceJobs } from './maintenance-jobs.js';
import type { TimelineControl } from './timeline-control.js';

/** What an effect may use: the state, the way to change it, the connections it acts through. */
export interface EffectContext {
  getState: () => AppState;
  dispatch: (event: AppEvent) => void;
  settings: ConnectionSettings;
  /** PgBouncer's admin actions, when a PgBouncer is connected. */
  bouncer: BouncerActions | undefined;
  jobs: MaintenanceJobs;
  writeAudit?: (entry: AuditEntry) => string | undefined;
  now: () => number;
  quit: () => void;
  /** Asks every source for fresh data now (after an action changed something). */
  refresh: () => void;
  /** Shows another target's screen, when pgtop watches several. */
  switchTarget?: (name: string) => void;
  /** A migration or backup running on another target, which quitting would cancel too ("a backup on beta"). */
  runningElsewhere?: () => string | undefined;
  /** The replay of a recording, or the rewind of the last minutes; absent when neither is possible. */
  timeline?: TimelineControl;
}

export const NO_BOUNCER = 'no PgBouncer is connected (start pgtop with --pgbouncer)';

/** A line in the footer: what happened, or why nothing did. */
export function tell(ctx: EffectContext, text: string, tone: Message['tone'] = 'info'): void {
  ctx.dispatch({ type: 'message', text, tone, at: ctx.now() });
}
