import { iso, num, text, type RawRow } from '../parse.js';
import type { Blocker, DatabaseAge, DeadTupleTable, FreezeTable, HorizonHolder, HorizonKind, MaintenanceProgress } from './types.js';

/** The xid distance at which the server stops assigning transaction ids (wraparound). */
export const XID_LIMIT = 2 ** 31;

const percent = (part: number | null, total: number | null): number | null =>
  part === null || total === null || total <= 0 ? null : Math.min(100, (100 * part) / total);

/** Seconds left at the pace so far, from the fraction done; null before anything is done. */
export function estimateRemaining(donePercent: number | null, elapsedSeconds: number | null): number | null {
  if (donePercent === null || elapsedSeconds === null || donePercent <= 0) return null;
  if (donePercent >= 100) return 0;
  return (elapsedSeconds * (100 - donePercent)) / donePercent;
}

function parseBlockers(value: unknown): Blocker[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return [];
    return parsed.map((raw: RawRow) => ({ pid: Number(raw.pid), user: text(raw.user), state: text(raw.state), query: text(raw.query) }));
  } catch {
    return [];
  }
}

export function parseProgress(kind: MaintenanceProgress['kind'], row: RawRow): MaintenanceProgress {
  const query = text(row.query) ?? '';
  const total = num(row.heap_blks_total ?? row.sample_blks_total);
  const scannedPercent = percent(num(row.heap_blks_scanned ?? row.sample_blks_scanned), total);
  const vacuumedPercent = kind === 'vacuum' ? percent(num(row.heap_blks_vacuumed), total) : null;
  const elapsedSeconds = num(row.elapsed);
  const phase = text(row.phase) ?? '?';
  // While scanning, the scan is the measure of progress; afterwards, the second heap pass.
  const done = kind === 'vacuum' && vacuumedPercent !== null && vacuumedPercent > 0 ? vacuumedPercent : scannedPercent;
  return {
    kind,
    pid: Number(row.pid),
    database: text(row.datname),
    table: text(row.rel),
    phase,
    autovacuum: row.backend_type === 'autovacuum worker',
    toPreventWraparound: query.includes('(to prevent wraparound)'),
    scannedPercent,
    vacuumedPercent,
    indexPasses: num(row.index_vacuum_count ?? row.index_rebuild_count),
    indexesDone: num(row.indexes_processed),
    indexesTotal: num(row.indexes_total),
    deadTuples: num(row.dead_tuples),
    elapsedSeconds,
    etaSeconds: phase.includes('scanning heap') || phase.includes('vacuuming heap') || kind !== 'vacuum' ? estimateRemaining(done, elapsedSeconds) : null,
    waitEventType: text(row.wait_event_type),
    waitEvent: text(row.wait_event),
    blockers: parseBlockers(row.blockers),
  };
}

const RELEASE: Record<HorizonKind, HorizonHolder['release']> = {
  session: 'terminate',
  prepared: 'rollback-prepared',
  slot: 'drop-slot',
  'slot-catalog': 'drop-slot',
  standby: 'standby',
};

export function parseHorizonHolder(row: RawRow): HorizonHolder {
  const kind = (text(row.kind) ?? 'session') as HorizonKind;
  return {
    kind,
    id: text(row.id) ?? '',
    xid: text(row.xid) ?? '',
    ageXids: num(row.age_xids) ?? 0,
    ageSeconds: num(row.age_seconds),
    database: text(row.database),
    owner: text(row.owner),
    description: text(row.description) ?? '',
    release: RELEASE[kind] ?? 'terminate',
    pid: num(row.pid),
    backendStartUs: text(row.backend_start_us),
  };
}

export function parseDatabaseAge(row: RawRow): DatabaseAge {
  const xidAge = num(row.xid_age) ?? 0;
  const freezeMaxAge = num(row.freeze_max_age) ?? 200_000_000;
  return {
    database: text(row.datname) ?? '',
    xidAge,
    mxidAge: num(row.mxid_age) ?? 0,
    freezeMaxAge,
    multixactFreezeMaxAge: num(row.mxid_freeze_max_age) ?? 400_000_000,
    freezeFraction: xidAge / freezeMaxAge,
    wraparoundFraction: xidAge / XID_LIMIT,
    allowsConnections: row.datallowconn !== false,
  };
}

export function parseFreezeTable(row: RawRow): FreezeTable {
  const xidAge = num(row.xid_age) ?? 0;
  const freezeMaxAge = num(row.freeze_max_age) ?? 200_000_000;
  return {
    table: text(row.table_name) ?? '',
    xidAge,
    mxidAge: num(row.mxid_age) ?? 0,
    freezeMaxAge,
    freezeFraction: xidAge / freezeMaxAge,
    bytes: num(row.bytes),
    lastVacuum: iso(row.last_vacuum),
    lastAutovacuum: iso(row.last_autovacuum),
  };
}

export function parseDeadTupleTable(row: RawRow): DeadTupleTable {
  return {
    table: text(row.table_name) ?? '',
    deadTuples: num(row.n_dead_tup) ?? 0,
    liveTuples: num(row.n_live_tup) ?? 0,
    modifiedSinceAnalyze: num(row.n_mod_since_analyze) ?? 0,
    lastVacuum: iso(row.last_vacuum),
    lastAutovacuum: iso(row.last_autovacuum),
    lastAnalyze: iso(row.last_analyze),
    lastAutoanalyze: iso(row.last_autoanalyze),
  };
}
