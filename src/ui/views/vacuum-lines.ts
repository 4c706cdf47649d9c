import type { DatabaseAge, DeadTupleTable, FreezeTable, HorizonHolder, MaintenanceProgress, VacuumSnapshot } from '../../sources/vacuum/types.js';
import { formatBytes, formatCount } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { theme } from '../theme.js';
import { noteLine, sectionLine, tableLines, type Column } from './view-table.js';

/** What view 8 draws: the latest reading and the selected horizon holder. */
export interface VacuumViewInput {
  data: VacuumSnapshot | undefined;
  selectedHolder: number | undefined;
  error: string | undefined;
  width: number;
  /** When the reading was taken, relative to now (for "last vacuum … ago"). */
  nowMs: number;
}

const pct = (value: number | null): string => (value === null ? '' : `${value.toFixed(1)}%`);
const ago = (iso: string | null, nowMs: number): string => (iso ? `${formatDuration((nowMs - Date.parse(iso)) / 1000)} ago` : 'never');
const RELEASE_TEXT: Record<HorizonHolder['release'], string> = {
  terminate: 'terminate it',
  'rollback-prepared': 'roll back',
  'drop-slot': 'drop the slot',
  standby: 'on the standby',
};

const PROGRESS_COLUMNS: Column<MaintenanceProgress>[] = [
  { title: 'PID', width: 7, align: 'right', cell: (r) => String(r.pid) },
  { title: 'WHAT', width: 12, cell: (r) => `${r.autovacuum ? 'auto' : ''}${r.kind}${r.toPreventWraparound ? '!' : ''}` },
  { title: 'TABLE', width: 16, cell: (r) => r.table ?? '?' },
  { title: 'PHASE', width: 20, cell: (r) => r.phase },
  { title: 'SCANNED', width: 7, align: 'right', cell: (r) => pct(r.scannedPercent) },
  { title: 'VACUUMD', width: 7, align: 'right', cell: (r) => pct(r.vacuumedPercent) },
  { title: 'IDX', width: 5, align: 'right', cell: (r) => (r.indexesTotal ? `${r.indexesDone}/${r.indexesTotal}` : String(r.indexPasses ?? '')) },
  { title: 'DEAD', width: 6, align: 'right', cell: (r) => formatCount(r.deadTuples) },
  { title: 'ELAPSED', width: 8, align: 'right', cell: (r) => formatDuration(r.elapsedSeconds) },
  { title: 'ETA', width: 8, align: 'right', cell: (r) => (r.etaSeconds === null ? '' : formatDuration(r.etaSeconds)) },
  { title: 'WAITS FOR', width: 10, cell: (r) => (r.blockers.length > 0 ? `lock of ${r.blockers.map((b) => b.pid).join(', ')}` : (r.waitEvent ?? '')) },
];

const HORIZON_COLUMNS: Column<HorizonHolder>[] = [
  { title: 'HOLDER', width: 12, cell: (r) => r.kind },
  { title: 'ID', width: 16, cell: (r) => r.id },
  { title: 'AGE XIDS', width: 11, align: 'right', cell: (r) => String(r.ageXids) },
  { title: 'HELD FOR', width: 9, align: 'right', cell: (r) => (r.ageSeconds === null ? '' : formatDuration(r.ageSeconds)) },
  { title: 'DATABASE', width: 10, cell: (r) => r.database ?? '' },
  // An active physical slot's xmin is its standby's feedback: released there, not by dropping the slot.
  { title: 'RELEASED BY', width: 14, cell: (r) => (r.kind === 'slot' && r.pid !== null ? RELEASE_TEXT.standby : RELEASE_TEXT[r.release]) },
  { title: 'WHAT', width: 10, cell: (r) => `${r.owner ? `${r.owner}: ` : ''}${r.description}` },
];

const WRAPAROUND_COLUMNS: Column<DatabaseAge>[] = [
  { title: 'DATABASE', width: 16, cell: (r) => r.database },
  { title: 'XID AGE', width: 11, align: 'right', cell: (r) => String(r.xidAge) },
  { title: 'OF FREEZE', width: 9, align: 'right', cell: (r) => pct(r.freezeFraction * 100) },
  { title: 'OF 2^31', width: 8, align: 'right', cell: (r) => pct(r.wraparoundFraction * 100) },
  { title: 'MXID AGE', width: 10, align: 'right', cell: (r) => String(r.mxidAge) },
  { title: '', width: 10, cell: (r) => (r.allowsConnections ? '' : 'no connections') },
];

function freezeColumns(nowMs: number): Column<FreezeTable>[] {
  return [
    { title: 'NEAREST FORCED FREEZE', width: 28, cell: (r) => r.table },
    { title: 'XID AGE', width: 11, align: 'right', cell: (r) => String(r.xidAge) },
    { title: 'OF FREEZE', width: 9, align: 'right', cell: (r) => pct(r.freezeFraction * 100) },
    { title: 'SIZE', width: 9, align: 'right', cell: (r) => formatBytes(r.bytes) },
    { title: 'LAST (AUTO)VACUUM', width: 10, cell: (r) => `${ago(r.lastVacuum, nowMs)} / ${ago(r.lastAutovacuum, nowMs)}` },
  ];
}

function deadColumns(nowMs: number): Column<DeadTupleTable>[] {
  return [
    { title: 'MOST DEAD TUPLES', width: 28, cell: (r) => r.table },
    { title: 'DEAD', width: 8, align: 'right', cell: (r) => formatCount(r.deadTuples) },
    { title: 'LIVE', width: 8, align: 'right', cell: (r) => formatCount(r.liveTuples) },
    { title: 'VACUUM / AUTO', width: 27, cell: (r) => `${ago(r.lastVacuum, nowMs)} / ${ago(r.lastAutovacuum, nowMs)}` },
    { title: 'ANALYZE / AUTO', width: 10, cell: (r) => `${ago(r.lastAnalyze, nowMs)} / ${ago(r.lastAutoanalyze, nowMs)}` },
  ];
}

/** One line per blocked maintenance command: who holds the lock it waits for, and what that session runs. */
function blockerLines(progress: readonly MaintenanceProgress[], width: number): string[] {
  return progress.flatMap((p) =>
    p.blockers.map((b) => theme.blocked(noteLine(`${p.kind} ${p.pid} waits for a lock held by ${b.pid}${b.user ? ` (${b.user})` : ''}: ${b.query ?? b.state ?? '?'}`, width))),
  );
}

/** View 8's body lines (before padding to the screen's height). */
export function vacuumLines(input: VacuumViewInput): string[] {
  const { data, width, nowMs } = input;
  if (!data) return [noteLine(input.error ? `no vacuum data: ${input.error}` : 'reading vacuum…', width)];
  const w = data.workers;
  return [
    sectionLine(`Vacuum now (autovacuum ${w.autovacuumOn ? 'on' : 'OFF'}, workers ${w.running} of ${w.max})`, width),
    ...(data.progress.length > 0 ? tableLines(PROGRESS_COLUMNS, data.progress, width, undefined, (p) => (p.blockers.length > 0 ? theme.blocked : undefined)) : [noteLine('no VACUUM, ANALYZE or CLUSTER running', width)]),
    ...blockerLines(data.progress, width),
    sectionLine(`xmin horizon: who holds back vacuum (${data.horizon.length}, oldest first)`, width),
    ...(data.horizon.length > 0 ? tableLines(HORIZON_COLUMNS, data.horizon, width, input.selectedHolder) : [noteLine('nothing holds the horizon back', width)]),
    sectionLine('Wraparound (per database; autovacuum forces a freeze at 100% of freeze age)', width),
    ...tableLines(WRAPAROUND_COLUMNS, data.wraparound, width, undefined, (d) => (d.freezeFraction > 0.5 ? theme.warn : undefined)),
    ...tableLines(freezeColumns(nowMs), data.freezeTables.slice(0, 5), width),
    ...(data.deadTupleTables.length > 0 ? tableLines(deadColumns(nowMs), data.deadTupleTables.slice(0, 5), width) : [noteLine('no table has dead tuples', width)]),
    ...data.notes.map((n) => theme.warn(noteLine(n, width))),
  ];
}
