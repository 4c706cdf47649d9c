/** What view 8 shows and `snapshot --json` prints as `vacuum`. Times are ISO strings; ages seconds; xid ages counts. */
export interface VacuumSnapshot {
  takenAt: string;
  progress: MaintenanceProgress[];
  workers: { running: number; max: number; autovacuumOn: boolean };
  /** Everything that holds back the xmin horizon, oldest first. */
  horizon: HorizonHolder[];
  wraparound: DatabaseAge[];
  /** In the connected database: nearest to a forced (anti-wraparound) vacuum first. */
  freezeTables: FreezeTable[];
  /** In the connected database: most dead tuples first. */
  deadTupleTables: DeadTupleTable[];
  notes: string[];
}

export interface Blocker {
  pid: number;
  user: string | null;
  state: string | null;
  query: string | null;
}

/** A VACUUM, CLUSTER / VACUUM FULL or ANALYZE running now, manual or autovacuum. */
export interface MaintenanceProgress {
  kind: 'vacuum' | 'cluster' | 'analyze';
  pid: number;
  database: string | null;
  table: string | null;
  phase: string;
  autovacuum: boolean;
  /** An autovacuum started to prevent wraparound (it is not cancelled by conflicting locks). */
  toPreventWraparound: boolean;
  /** Percent of the heap (or sample) scanned, and for VACUUM vacuumed. */
  scannedPercent: number | null;
  vacuumedPercent: number | null;
  indexPasses: number | null;
  /** 17+: indexes_processed of indexes_total in the current index phase. */
  indexesDone: number | null;
  indexesTotal: number | null;
  /** Dead item ids collected so far (num_dead_tuples before 17). */
  deadTuples: number | null;
  elapsedSeconds: number | null;
  /** A linear estimate from the part scanned and the time taken; null until something is scanned. */
  etaSeconds: number | null;
  waitEventType: string | null;
  waitEvent: string | null;
  /** Sessions that hold the lock this one waits for. */
  blockers: Blocker[];
}

export type HorizonKind = 'session' | 'prepared' | 'slot' | 'slot-catalog' | 'standby';

/** One holder of the xmin horizon: vacuum cannot remove rows deleted after its xid. */
export interface HorizonHolder {
  kind: HorizonKind;
  /** The pid, the prepared gid, the slot name or the standby's name. */
  id: string;
  xid: string;
  /** age(xid): transactions since it. */
  ageXids: number;
  /** How long it has been held, when the server knows (transaction start, prepare time, slot inactive since). */
  ageSeconds: number | null;
  database: string | null;
  owner: string | null;
  /** What it is, in a few words (state and query of a session, slot type, …). */
  description: string;
  /** What releases it. */
  release: 'terminate' | 'rollback-prepared' | 'drop-slot' | 'standby';
  /** Session identity an action re-checks (pid with backend_start in microseconds). */
  pid: number | null;
  backendStartUs: string | null;
}

export interface DatabaseAge {
  database: string;
  xidAge: number;
  mxidAge: number;
  freezeMaxAge: number;
  multixactFreezeMaxAge: number;
  /** xidAge / autovacuum_freeze_max_age: at 1 autovacuum forces a freeze. */
  freezeFraction: number;
  /** xidAge / 2^31: at about 1 the server stops assigning xids. */
  wraparoundFraction: number;
  allowsConnections: boolean;
}

export interface FreezeTable {
  table: string;
  xidAge: number;
  mxidAge: number;
  freezeMaxAge: number;
  freezeFraction: number;
  bytes: number | null;
  lastVacuum: string | null;
  lastAutovacuum: string | null;
}

export interface DeadTupleTable {
  table: string;
  deadTuples: number;
  liveTuples: number;
  modifiedSinceAnalyze: number;
  lastVacuum: string | null;
  lastAutovacuum: string | null;
  lastAnalyze: string | null;
  lastAutoanalyze: string | null;
}
