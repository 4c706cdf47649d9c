import { followAlembic, startProgress } from '../migrate/alembic/progress.js';
import type { AppEvent } from './events.js';
import type { AlembicViewState, AppState } from './state.js';

const withAlembic = (state: AppState, alembic: AlembicViewState): AppState => ({ ...state, migrations: { ...state.migrations, alembic } });

/** The Migrations view's Alembic part of the reducer; undefined when the event is not its. */
export function reduceAlembic(state: AppState, event: AppEvent): AppState | undefined {
  const alembic = state.migrations.alembic;
  switch (event.type) {
    case 'alembic-loaded':
      return alembic ? { ...state, migrations: { ...state.migrations, loading: false, alembic: { ...alembic, status: event.status, error: undefined } } } : state;
    case 'alembic-failed':
      return alembic ? { ...state, migrations: { ...state.migrations, loading: false, alembic: { ...alembic, error: event.message } } } : state;
    case 'alembic-run-started':
      return alembic ? withAlembic(state, { ...alembic, sql: undefined, run: { ...startProgress(), startedAt: event.at, dryRun: event.dryRun } }) : state;
    case 'alembic-run-event':
      return alembic?.run ? withAlembic(state, { ...alembic, run: { ...alembic.run, ...followAlembic(alembic.run, event.event) } }) : state;
    case 'alembic-run-finished': {
      if (!alembic?.run) return state;
      const run = { ...alembic.run, phase: 'finished' as const, blockers: [], waitingFor: undefined, finished: { ok: event.ok, message: event.message } };
      const sql = event.sql !== undefined ? event.sql.replace(/\n$/, '').split('\n') : undefined;
      return withAlembic(state, { ...alembic, run, sql });
    }
    default:
      return undefined;
  }
}
