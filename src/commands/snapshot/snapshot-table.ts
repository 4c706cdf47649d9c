import type { SnapshotDocument } from '../../store/snapshot-document.js';
import { sanitize, sanitizeOneLine } from '../../text/sanitize.js';
import { fit } from '../../text/width.js';
import { formatDuration } from '../../text/duration.js';
import { formatCount, formatPercent } from '../../text/bytes.js';

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
  value: (s: SnapshotDocument['sessions'][number]) => string;
}

const columns: Column[] = [
  { title: 'PID', width: 7, align: 'right', value: (s) => String(s.pid) },
  { title: 'DB', width: 10, align: 'left', value: (s) => s.database ?? '' },
  { title: 'USER', width: 10, align: 'left', value: (s) => s.user ?? '' },
  { title: 'APP', width: 12, align: 'left', value: (s) => s.application },
  { title: 'STATE', width: 13, align: 'left', value: (s) => (s.hidden ? '<hidden>' : (s.state ?? s.backendType ?? '')) },
  { title: 'WAIT', width: 18, align: 'left', value: (s) => (s.waitEventType ? `${s.waitEventType}:${s.waitEvent ?? ''}` : '') },
  { title: 'BLOCKED BY', width: 10, align: 'left', value: (s) => s.blockedBy.join(',') },
  { title: 'XACT', width: 7, align: 'right', value: (s) => formatDuration(s.xactAgeSeconds) },
  { title: 'QUERY', width: 7, align: 'right', value: (s) => formatDuration(s.queryAgeSeconds) },
];

const sqlText = (s: SnapshotDocument['sessions'][number]): string => (s.hidden ? '<insufficient privilege>' : sanitizeOneLine(s.query ?? ''));

/** The human-readable form of a snapshot: a header line and one line per session. */
export function formatSnapshotTable(doc: SnapshotDocument, width: number): string {
  const { server, counts, rates } = doc;
  const header =
    `${sanitize(doc.target)}  pg ${server.version} ${server.role}  conns ${counts.total + 1}/${server.maxConnections}` +
    `  active ${counts.active}  idle ${counts.idle}  idle-in-xact ${counts.idleInTransaction}  waiting ${counts.waiting}` +
    (counts.other > 0 ? `  hidden/other ${counts.other}` : '') +
    `  tps ${rates.tps === null ? '-' : formatCount(rates.tps)}  hit ${rates.hitRatio === null ? '-' : formatPercent(rates.hitRatio)}`;
  const fixed = columns.reduce((sum, c) => sum + c.width + 1, 0);
  // Off a terminal (a pipe, a file) the SQL is not cut: the reader's tool decides.
  const sqlWidth = Number.isFinite(width) ? Math.max(10, width - fixed) : Number.POSITIVE_INFINITY;
  const row = (cells: string[]): string => cells.join(' ').trimEnd();
  const lines = [
    header,
    ...doc.notes.map((note) => `note: ${sanitize(note)}`),
    row([...columns.map((c) => fit(c.title, c.width, c.align)), 'SQL']),
    ...doc.sessions.map((s) =>
      row([
        ...columns.map((c) => fit(sanitizeOneLine(c.value(s)), c.width, c.align)),
        Number.isFinite(sqlWidth) ? fit(sqlText(s), sqlWidth, 'left') : sqlText(s),
      ]),
    ),
  ];
  return lines.join('\n');
}
