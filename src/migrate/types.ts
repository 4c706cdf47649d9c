import type { LockHolder } from '../db/maintenance-lock.js';

export type TrackingStatus = 'applied' | 'started' | 'baseline';

/** One row of pgtop.schema_migrations. */
export interface TrackingRow {
  version: number;
  /** The file name the migration had when it was recorded (`0004_orders_created_at_idx.sql`). */
  name: string;
  checksum: string;
  status: TrackingStatus;
  transactional: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  appliedBy: string | null;
  error: string | null;
}

export type MigrationState = 'applied' | 'pending' | 'drifted' | 'missing' | 'out-of-order' | 'dirty' | 'baseline';

export type RefusalKind =
  | 'drifted'
  | 'missing'
  | 'dirty'
  | 'out-of-order'
  | 'invalid-file'
  | 'no-down-file'
  | 'standby'
  | 'pgbouncer'
  | 'busy'
  | 'changed-since-plan';

/** Why a run will not start. `message` is a whole sentence: what is wrong and what to do. */
export interface Refusal {
  kind: RefusalKind;
  version?: number;
  fileName?: string;
  line?: number;
  message: string;
}

export type Direction = 'up' | 'down';

/** A file a run will execute (or, in a dry run, would). */
export interface PlannedStep {
  direction: Direction;
  version: number;
  /** The file that runs: the migration for `up`, its `.down.sql` for `down`. */
  fileName: string;
  transactional: boolean;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  statementCount: number;
}

export interface CompletedStep {
  direction: Direction;
  version: number;
  fileName: string;
  durationMs: number;
}

/** A session that holds a lock the migration waits for. */
export interface BlockingSession {
  pid: number;
  user: string | null;
  applicationName: string | null;
  client: string | null;
  /** pg_stat_activity.state: active, idle in transaction, … */
  state: string | null;
  /** Seconds since its transaction began, when it is in one. */
  transactionSeconds: number | null;
  /** Its current or last query, as the server reports it (untrusted text). */
  query: string | null;
}

export interface MigrationFailure {
  direction: Direction;
  version: number;
  fileName: string;
  /** 1-based line in the file, when known. */
  line?: number;
  /** The whole explanation: file, line, the server's message, what state things are in, what to do. */
  message: string;
  /** Just what went wrong and where in the file (`line 7: relation "t" does not exist`): what the tracking row keeps. */
  summary: string;
  /** The server's own error message. */
  serverMessage: string;
  /** SQLSTATE, when the server gave one. */
  code?: string;
  blockers: BlockingSession[];
}

export type MigrationOperation = 'up' | 'down' | 'baseline';

export type MigrationOutcome = 'done' | 'nothing-to-do' | 'dry-run' | 'refused' | 'failed' | 'cancelled';

export interface MigrationRunResult {
  operation: MigrationOperation;
  outcome: MigrationOutcome;
  /** `host:port/database`. */
  target: string;
  /** The role the run connected as (or would have). */
  role: string;
  /** The steps the run planned to execute, in order (for a dry run, what it would execute). */
  planned: PlannedStep[];
  completed: CompletedStep[];
  refusals: Refusal[];
  failure?: MigrationFailure;
}

/** Progress of a run, in the order it happens. */
export type MigrationEvent =
  | { type: 'connected'; target: string; role: string; serverVersion: string; backendPid: number }
  | { type: 'lock-waiting'; holder: LockHolder | undefined; waitedMs: number; timeoutMs: number }
  | { type: 'lock-acquired'; waitedMs: number }
  | { type: 'planned'; operation: MigrationOperation; steps: PlannedStep[] }
  | { type: 'file-started'; direction: Direction; version: number; fileName: string; transactional: boolean; attempt: number; maxAttempts: number; index: number; total: number; statementCount: number }
  | { type: 'statement-started'; direction: Direction; version: number; fileName: string; line: number; index: number; count: number; excerpt: string }
  | { type: 'blocked'; direction: Direction; version: number; fileName: string; blockers: BlockingSession[] }
  | { type: 'retry'; direction: Direction; version: number; fileName: string; attempt: number; maxAttempts: number; delayMs: number; blockers: BlockingSession[]; serverMessage: string }
  | { type: 'file-applied'; direction: Direction; version: number; fileName: string; durationMs: number }
  | { type: 'file-failed'; failure: MigrationFailure }
  | { type: 'file-baselined'; version: number; fileName: string }
  | { type: 'warning'; message: string }
  | { type: 'done'; result: MigrationRunResult };

export type MigrationEventListener = (event: MigrationEvent) => void;
