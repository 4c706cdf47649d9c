import { treePrefix, type LockTreeRow } from '../../store/lock-tree.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { stateLabel } from '../../store/session-fields.js';
import { queryLabel } from './session-columns.js';
import type { ColumnSpec } from './types.js';

export type LockColumnId = 'pid' | 'user' | 'database' | 'state' | 'waiting' | 'lockType' | 'mode' | 'relation' | 'blocks' | 'xactAge' | 'query';

const str = (v: string | null | undefined): string => sanitizeOneLine(v ?? '');

function lockTarget(row: LockTreeRow): string {
  if (row.walReplay) return str(row.walReplay.relations.join(', '));
  const w = row.waiting;
  if (!w) return '';
  return str([w.relation, w.object].filter(Boolean).join(' '));
}

function queryText(row: LockTreeRow, width: number): string {
  if (row.walReplay) return `WAL replay (startup process): its replayed lock${row.walReplay.relations.length ? ` on ${str(row.walReplay.relations.join(', '))}` : ''} blocks these queries; nothing to cancel here`;
  return row.session ? queryLabel(row.session, width) : '';
}

export const lockColumns: readonly ColumnSpec<LockTreeRow, LockColumnId>[] = [
  { id: 'pid', title: 'PID', width: 18, align: 'left', priority: 0, text: (r) => `${treePrefix(r)}${r.pid}` },
  { id: 'user', title: 'USER', width: 10, align: 'left', priority: 5, text: (r) => (r.walReplay ? 'WAL replay' : str(r.session?.user)) },
  { id: 'database', title: 'DB', width: 10, align: 'left', priority: 7, text: (r) => str(r.session?.database) },
  { id: 'state', title: 'STATE', width: 10, align: 'left', priority: 4, text: (r) => (r.walReplay ? 'replay' : r.session ? stateLabel(r.session) : 'gone') },
  {
    id: 'waiting',
    title: 'WAITING',
    width: 8,
    align: 'right',
    priority: 2,
    text: (r) => (r.waiting ? formatDuration(r.waiting.waitSeconds ?? r.session?.queryAgeSeconds ?? null) : ''),
  },
  { id: 'lockType', title: 'LOCK', width: 13, align: 'left', priority: 3, text: (r) => str(r.waiting?.lockType) },
  { id: 'mode', title: 'MODE', width: 19, align: 'left', priority: 6, text: (r) => str(r.waiting?.mode) },
  // What the tree is for: the lock target stays beside the SQL on any screen from 80 columns on.
  { id: 'relation', title: 'ON', width: 20, align: 'left', priority: 1, text: lockTarget },
  { id: 'blocks', title: 'BLOCKS', width: 6, align: 'right', priority: 4, text: (r) => (r.blocking ? String(r.blocking) : '') },
  { id: 'xactAge', title: 'XACT', width: 7, align: 'right', priority: 8, text: (r) => formatDuration(r.session?.xactAgeSeconds ?? null) },
  { id: 'query', title: 'SQL', width: 20, align: 'left', priority: 0, flex: true, text: queryText },
];
