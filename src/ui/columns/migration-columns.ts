import type { LoadedMigration } from '../../migrate/load.js';
import type { PlanEntry } from '../../migrate/plan.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import type { ColumnSpec } from './types.js';

export type MigrationRow = PlanEntry<LoadedMigration>;
export type MigrationColumnId = 'version' | 'name' | 'state' | 'transactional' | 'appliedAt' | 'duration' | 'by';

const when = (date: Date | null | undefined): string => (date ? date.toISOString().replace('T', ' ').slice(0, 19) : '');

const transactional = (row: MigrationRow): boolean | undefined => row.file?.script.directives.transactional ?? row.row?.transactional;

export const migrationColumns: readonly ColumnSpec<MigrationRow, MigrationColumnId>[] = [
  { id: 'version', title: 'VERSION', width: 14, align: 'right', priority: 0, text: (r) => String(r.file?.versionText ?? r.version) },
  { id: 'state', title: 'STATE', width: 12, align: 'left', priority: 0, text: (r) => r.state },
  {
    id: 'transactional',
    title: 'MODE',
    width: 8,
    align: 'left',
    priority: 3,
    text: (r) => (transactional(r) === undefined ? '' : transactional(r) ? 'xact' : 'no xact'),
  },
  { id: 'appliedAt', title: 'APPLIED AT (UTC)', width: 19, align: 'left', priority: 2, text: (r) => when(r.row?.finishedAt ?? r.row?.startedAt) },
  { id: 'duration', title: 'TOOK', width: 7, align: 'right', priority: 4, text: (r) => (r.row?.durationMs == null ? '' : formatDuration(r.row.durationMs / 1000)) },
  { id: 'by', title: 'BY', width: 12, align: 'left', priority: 5, text: (r) => sanitizeOneLine(r.row?.appliedBy ?? '') },
  { id: 'name', title: 'FILE', width: 24, align: 'left', priority: 0, flex: true, text: (r) => sanitizeOneLine(r.fileName) },
];
