import type { ReplicationSnapshot, SlotRow, StandbyRow } from '../../sources/replication/types.js';
import { formatBytes } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sparkline } from '../components/sparkline.js';
import { theme } from '../theme.js';
import { noteLine, sectionLine, tableLines, type Column } from './view-table.js';

/** What view 7 draws: the latest reading, the WAL rate, replay-lag history per standby, the selected slot. */
export interface ReplicationViewInput {
  data: ReplicationSnapshot | undefined;
  walBytesPerSecond: number | null;
  replayLagHistory: ReadonlyMap<string, readonly number[]>;
  selectedSlot: number | undefined;
  error: string | undefined;
  width: number;
}

const bytes = (value: number | null): string => (value === null ? '—' : formatBytes(value));
const seconds = (value: number | null): string => (value === null ? '—' : formatDuration(value));

function standbyColumns(history: ReadonlyMap<string, readonly number[]>): Column<StandbyRow>[] {
  return [
    { title: 'STANDBY', width: 14, cell: (r) => r.name },
    { title: 'CLIENT', width: 15, cell: (r) => r.client ?? 'local' },
    { title: 'STATE', width: 10, cell: (r) => r.state ?? '?' },
    { title: 'SYNC', width: 6, cell: (r) => r.syncState ?? '' },
    { title: 'SENT', width: 9, align: 'right', cell: (r) => bytes(r.sentLagBytes) },
    { title: 'FLUSH', width: 9, align: 'right', cell: (r) => bytes(r.flushLagBytes) },
    { title: 'REPLAY', width: 9, align: 'right', cell: (r) => bytes(r.replayLagBytes) },
    { title: 'LAG TIME', width: 8, align: 'right', cell: (r) => seconds(r.replayLagSeconds) },
    { title: 'REPLAY LAG', width: 12, cell: (r) => sparkline(history.get(r.name) ?? [], 12) },
  ];
}

const SLOT_COLUMNS: Column<SlotRow>[] = [
  { title: 'SLOT', width: 16, cell: (r) => r.name },
  { title: 'TYPE', width: 8, cell: (r) => r.type },
  { title: 'ACTIVE BY', width: 26, cell: (r) => (r.active ? (r.activeBy ?? `pid ${r.activePid}`) : r.inactiveSeconds !== null ? `inactive ${formatDuration(r.inactiveSeconds)}` : 'inactive') },
  { title: 'RETAINED', width: 9, align: 'right', cell: (r) => bytes(r.retainedBytes) },
  { title: 'WAL', width: 10, cell: (r) => r.invalidationReason ?? r.walStatus ?? '' },
  { title: 'SAFE', width: 9, align: 'right', cell: (r) => (r.safeWalSizeBytes === null ? 'no limit' : bytes(r.safeWalSizeBytes)) },
  { title: 'XMIN AGE', width: 9, align: 'right', cell: (r) => (r.xminAge === null ? '' : String(r.xminAge)) },
  { title: 'CATALOG XMIN', width: 12, cell: (r) => (r.catalogXminAge === null ? '' : `${r.catalogXminAge} xids`) },
];

function recoveryLines(data: ReplicationSnapshot, width: number): string[] {
  const r = data.recovery;
  if (!r) return [];
  const paused = r.replayPause && r.replayPause !== 'not paused';
  return [
    sectionLine('Standby: recovery', width),
    noteLine(`received ${r.receiveLsn ?? '—'}   replayed ${r.replayLsn ?? '—'}   replay behind ${bytes(r.replayLagBytes)}`, width),
    noteLine(`last replayed transaction ${seconds(r.replayAgeSeconds)} ago (stands still, and grows, while the primary is idle)`, width),
    (paused ? theme.warn : (s: string) => s)(noteLine(`WAL receiver ${r.receiverStatus ?? 'not running'} from ${r.upstreamHost ?? '?'}:${r.upstreamPort ?? '?'}${r.upstreamSlot ? ` slot ${r.upstreamSlot}` : ''}   replay ${r.replayPause ?? '?'}`, width)),
  ];
}

function archiverLine(data: ReplicationSnapshot, width: number): string {
  const a = data.archiver;
  if (a.mode === 'off') return noteLine('archiver: archive_mode is off', width);
  const text = `archiver: ${a.archivedCount} archived (last ${a.lastArchivedWal ?? '—'}), ${a.failedCount} failed` +
    (a.failing ? ` — FAILING at ${a.lastFailedWal ?? '?'} for ${seconds(a.failingForSeconds)}` : '');
  return a.failing ? theme.error(noteLine(text, width)) : noteLine(text, width);
}

/** View 7's body lines (before padding to the screen's height). */
export function replicationLines(input: ReplicationViewInput): string[] {
  const { data, width } = input;
  if (!data) return [noteLine(input.error ? `no replication data: ${input.error}` : 'reading replication…', width)];
  const lines: string[] = [
    sectionLine(`${data.role === 'primary' ? 'Primary' : 'Standby'} at ${data.currentLsn ?? '—'}   WAL ${input.walBytesPerSecond === null ? '—' : `${formatBytes(input.walBytesPerSecond)}/s`}`, width),
    ...recoveryLines(data, width),
  ];
  if (data.role === 'primary' || data.standbys.length > 0) {
    lines.push(sectionLine(`Standbys (${data.standbys.length})`, width));
    lines.push(...(data.standbys.length > 0 ? tableLines(standbyColumns(input.replayLagHistory), data.standbys, width) : [noteLine('no standby is connected', width)]));
  }
  lines.push(sectionLine(`Replication slots (${data.slots.length})`, width));
  lines.push(
    ...(data.slots.length > 0
      ? tableLines(SLOT_COLUMNS, data.slots, width, input.selectedSlot, (s) => (s.active ? undefined : theme.warn))
      : [noteLine('no replication slot', width)]),
  );
  lines.push(archiverLine(data, width), ...data.notes.map((n) => theme.warn(noteLine(n, width))));
  return lines;
}
