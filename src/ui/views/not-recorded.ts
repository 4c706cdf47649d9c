import type { AppState } from '../../store/state.js';
import { fit } from '../../text/width.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

const READ_LIVE: Record<'migrations' | 'backups', string> = {
  migrations: ' pgtop reads the migration files and the applied history when the view is shown.',
  backups: ' pgtop reads the backup directory and its manifests when the view is shown.',
};

/**
 * A view whose data a recording does not hold (Migrations, Backups), in a replay: said plainly, so an
 * empty list is never taken for "no migrations" or "no dumps" at that time.
 */
export function notRecordedBody(state: AppState, view: 'migrations' | 'backups', height: number): string[] {
  const width = state.terminal.columns;
  const lines = [
    theme.warn(fit(` Not recorded: a recording holds no ${view === 'migrations' ? 'migrations' : 'backups'}.`, width)),
    fit(READ_LIVE[view], width),
    fit(' Run pgtop on the server to see them now.', width),
    '',
    theme.dim(fit(' A recording holds the sessions, locks, pools, statements, replication, vacuum', width)),
    theme.dim(fit(' and the health findings.', width)),
  ];
  return padLines(lines, height, width);
}
