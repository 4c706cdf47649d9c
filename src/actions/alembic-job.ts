import type { ConnectionSettings } from '../config/types.js';
import { errorMessage } from '../errors.js';
import { applyAlembic } from '../migrate/alembic/apply.js';
import { alembicSummary } from '../migrate/alembic/progress.js';
import { readAlembicStatus } from '../migrate/alembic/status.js';
import type { AlembicRunResult } from '../migrate/alembic/types.js';
import type { AppEvent } from '../store/events.js';
import type { AlembicViewState, Dialog } from '../store/state.js';

type Dispatch = (event: AppEvent) => void;

/** Reads the project's revisions against the database's for the Migrations view. */
export async function loadAlembicStatus(settings: ConnectionSettings, path: string, dispatch: Dispatch): Promise<void> {
  dispatch({ type: 'migrations-loading' });
  try {
    dispatch({ type: 'alembic-loaded', status: await readAlembicStatus({ settings, alembic: path, interactive: false }) });
  } catch (error) {
    dispatch({ type: 'alembic-failed', message: errorMessage(error) });
  }
}

/** The typed confirmation for `a` on an Alembic project, or why there is nothing to confirm. */
export function alembicDialog(settings: ConnectionSettings, alembic: AlembicViewState): { dialog: Dialog } | { message: string; error?: boolean } {
  const status = alembic.status;
  if (!status) return alembic.error ? { message: alembic.error, error: true } : { message: 'the Alembic project is still being read' };
  if (status.refusals.length > 0) return { message: `cannot upgrade: ${status.refusals[0]?.message ?? ''}`, error: true };
  if (status.pending.length === 0) return { message: `nothing to upgrade: the database is at the heads (${status.current.join(', ') || '<base>'})` };
  return {
    dialog: {
      kind: 'migrate',
      database: settings.database,
      target: status.target,
      role: status.role,
      steps: [],
      typed: '',
      alembic: {
        project: status.graph.project.dir,
        upgradeTo: 'head',
        from: status.current,
        revisions: status.pending.map((revision) => ({ revision: revision.revision, message: revision.message })),
      },
    },
  };
}

/** What the view's last line says when a run ends. */
function runSummary(result: AlembicRunResult): { ok: boolean; message: string } {
  if (result.outcome !== 'dry-run') return alembicSummary(result);
  const lines = (result.sql ?? '').replace(/\n$/, '').split('\n').length;
  return { ok: true, message: `dry run (Alembic's offline mode): ${lines} line(s) of SQL below; nothing was changed` };
}

/**
 * `alembic upgrade head` (or its offline SQL) from the Migrations view, under the same guards as
 * `pgtop migrate up --alembic`: every event goes to the view, and the result, audited by the engine,
 * to the footer.
 */
export async function runAlembicJob(options: {
  settings: ConnectionSettings;
  path: string;
  revisions: readonly string[] | undefined;
  dryRun: boolean;
  signal: AbortSignal;
  dispatch: Dispatch;
  now: () => number;
}): Promise<{ ok: boolean; message: string }> {
  const { dispatch } = options;
  dispatch({ type: 'alembic-run-started', at: options.now(), dryRun: options.dryRun });
  let sql: string | undefined;
  const summary = await applyAlembic({
    settings: options.settings,
    alembic: options.path,
    upgradeTo: 'head',
    dryRun: options.dryRun,
    ...(options.revisions ? { expectRevisions: options.revisions } : {}),
    interactive: false,
    signal: options.signal,
    onEvent: (event) => dispatch({ type: 'alembic-run-event', event }),
  }).then(
    (result) => {
      sql = result.sql;
      return runSummary(result);
    },
    (error: unknown) => ({ ok: false, message: errorMessage(error) }),
  );
  dispatch({ type: 'alembic-run-finished', ...summary, sql });
  return summary;
}
