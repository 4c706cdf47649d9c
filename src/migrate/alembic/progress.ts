import { describeHolder } from '../../db/maintenance-lock.js';
import type { BlockingSession } from '../types.js';
import type { AlembicEvent, AlembicRunResult } from './types.js';

/** An Alembic run as a screen follows it: what it is doing, who blocks it, the child's last lines. */
export interface AlembicProgress {
  phase: 'starting' | 'waiting-for-lock' | 'running' | 'retrying' | 'finished';
  attempt: number;
  maxAttempts: number;
  waitingFor: string | undefined;
  backendPid: number | undefined;
  blockers: BlockingSession[];
  /** The child's output (and pgtop's notes), newest last, at most `OUTPUT_LINES`. */
  output: string[];
  finished: { ok: boolean; message: string } | undefined;
}

export const OUTPUT_LINES = 200;

export const startProgress = (): AlembicProgress => ({ phase: 'starting', attempt: 0, maxAttempts: 0, waitingFor: undefined, backendPid: undefined, blockers: [], output: [], finished: undefined });

const appended = (progress: AlembicProgress, line: string): string[] => [...progress.output, line].slice(-OUTPUT_LINES);

/** What a run's result says in one line. */
export function alembicSummary(result: AlembicRunResult): { ok: boolean; message: string } {
  const at = (ids: readonly string[]): string => ids.join(', ') || '<base>';
  switch (result.outcome) {
    case 'done':
      return { ok: true, message: `upgraded ${result.target} from ${at(result.before)} to ${at(result.after)}` };
    case 'nothing-to-do':
      return { ok: true, message: `nothing to upgrade: the database is at ${at(result.after)}` };
    case 'dry-run':
      return { ok: true, message: `would run ${result.planned.length} revision(s); the SQL is above` };
    case 'refused':
      return { ok: false, message: result.refusals[0]?.message ?? 'refused' };
    case 'cancelled':
      return { ok: false, message: `cancelled; the database is at ${at(result.after)}` };
    case 'failed':
      return { ok: false, message: result.failure?.message ?? 'failed' };
  }
}

/** The next state of a followed run after `event`; pure. */
export function followAlembic(progress: AlembicProgress, event: AlembicEvent): AlembicProgress {
  switch (event.type) {
    case 'lock-waiting':
      return { ...progress, phase: 'waiting-for-lock', waitingFor: event.holder ? describeHolder(event.holder) : 'another session' };
    case 'lock-acquired':
      return { ...progress, phase: 'starting', waitingFor: undefined };
    case 'alembic-started':
      return { ...progress, phase: 'running', attempt: event.attempt, maxAttempts: event.maxAttempts, backendPid: undefined, output: appended(progress, `$ alembic ${event.args.join(' ')}`) };
    case 'alembic-output':
      return { ...progress, output: appended(progress, event.line) };
    case 'alembic-backend':
      return { ...progress, backendPid: event.pid };
    case 'alembic-blocked':
      return { ...progress, blockers: event.blockers };
    case 'alembic-retry':
      return { ...progress, phase: 'retrying', blockers: [], output: appended(progress, `lock timeout: rolled back, attempt ${event.attempt} of ${event.maxAttempts} next`) };
    case 'warning':
      return { ...progress, output: appended(progress, `note: ${event.message}`) };
    case 'alembic-done':
      return { ...progress, phase: 'finished', blockers: [], waitingFor: undefined, finished: alembicSummary(event.result) };
    default:
      return progress;
  }
}
