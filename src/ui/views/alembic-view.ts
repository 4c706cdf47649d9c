import type { AlembicViewState, AppState } from '../../store/state.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit } from '../../text/width.js';
import { theme } from '../theme.js';
import { alembicProgressLines, alembicStatusLines } from './alembic-lines.js';
import { padLines } from './sessions-view.js';

/** The status's lines, cut to `room` with a note of what was left out. */
function statusPart(alembic: AlembicViewState, loading: boolean, room: number, width: number): string[] {
  if (!alembic.status) {
    if (alembic.error) return [theme.error(fit(` ${sanitizeOneLine(alembic.error)}`, width))];
    return [theme.dim(fit(` reading the Alembic project ${sanitizeOneLine(alembic.path)}…`, width))];
  }
  const lines = alembicStatusLines(alembic.status, width);
  if (loading) lines[0] = fit(`${(lines[0] ?? '').trimEnd()}  (refreshing…)`, width);
  if (lines.length <= room) return lines;
  return [...lines.slice(0, room - 1), theme.dim(fit(` … and ${lines.length - room + 1} more line(s): pgtop migrate status --alembic`, width))];
}

/**
 * The Migrations view for an Alembic project: where the database is and what is pending, then the run
 * under way (the child's output live, the sessions blocking it) or the last dry run's offline SQL.
 */
export function alembicBody(state: AppState, alembic: AlembicViewState, height: number): string[] {
  const width = state.terminal.columns;
  const run = alembic.run;
  const top = statusPart(alembic, state.migrations.loading, run ? Math.max(2, Math.floor(height / 3)) : height, width);
  if (!run) return padLines(top, height, width);
  const room = Math.max(0, height - top.length - 1);
  const sql = alembic.sql;
  if (sql) {
    const shown = sql.slice(0, Math.max(0, room - 2));
    const more = sql.length > shown.length ? [theme.dim(fit(` … ${sql.length - shown.length} more line(s): pgtop migrate up --alembic ${sanitizeOneLine(alembic.path)} --dry-run`, width))] : [];
    return padLines([...top, '', ...alembicProgressLines(run, 0, width), ...shown.map((line) => fit(` ${sanitizeOneLine(line)}`, width)), ...more], height, width);
  }
  const fixed = alembicProgressLines(run, 0, width).length;
  return padLines([...top, '', ...alembicProgressLines(run, Math.max(0, room - fixed), width)], height, width);
}
