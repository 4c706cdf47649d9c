import type { BaseColor } from '../config/config-file.js';
import type { PgSnapshot, Rates } from '../sources/types.js';
import type { SessionColumnId } from './session-fields.js';
import type { PoolColumnId } from './pool-fields.js';
import type { PgBouncerSnapshot } from '../sources/pgbouncer.js';
import type { BouncerAction } from '../db/admin-commands.js';
import type { RingBuffer } from './history.js';
import type { MigrationStatus } from '../migrate/status.js';
import type { BlockingSession, PlannedStep } from '../migrate/types.js';
import type { ListedBackup } from '../backup/files/list.js';
import type { BackupProgress } from '../backup/job/progress.js';
import type { Finding } from '../health/types.js';
import type { ReplicationSnapshot } from '../sources/replication/types.js';
import type { VacuumSnapshot } from '../sources/vacuum/types.js';
import type { AlembicProgress } from '../migrate/alembic/progress.js';
import type { AlembicStatus } from '../migrate/alembic/types.js';
import { alertThresholds, type Thresholds as AlertThresholds } from './replication-alerts.js';
import { initialStatementsState, type PlanPanel, type StatementsState } from './statements-state.js';
import { singleTarget, type TargetsState } from './targets.js';
import type { TimelineState } from './timeline.js';

export const VIEWS = ['sessions', 'locks', 'pools', 'migrations', 'backups', 'statements', 'replication', 'vacuum', 'health'] as const;
export type ViewId = (typeof VIEWS)[number];

export const VIEW_TITLES: Record<ViewId, string> = {
  sessions: 'Sessions',
  locks: 'Locks',
  pools: 'Pools',
  migrations: 'Migrations',
  backups: 'Backups',
  statements: 'Statements',
  replication: 'Replication',
  vacuum: 'Vacuum',
  health: 'Health',
};

/** The key that opens each view (the tabs show it too). */
export const VIEW_KEYS: Record<ViewId, string> = {
  sessions: '1',
  locks: '2',
  pools: '3',
  migrations: '4',
  backups: '5',
  statements: '6',
  replication: '7',
  vacuum: '8',
  health: '9',
};

/**
 * The session an action was confirmed for: the pid and the backend_start that make it that session, and
 * the query_start that makes its statement the one confirmed (a cancel acts only on that statement).
 */
export interface SessionTarget {
  pid: number;
  backendStartUs: string | null;
  queryStartUs: string | null;
  user: string | null;
  database: string | null;
  queryExcerpt: string;
  /** The PgBouncer pool (`database/user`) when the session is one of its server connections. */
  pool: string | null;
}

export type SignalKind = 'cancel' | 'terminate';

/** A PgBouncer admin command confirmed for one database (or one client, for KILL_CLIENT). */
export interface BouncerTarget {
  action: BouncerAction;
  /** The database name, or the client id for KILL_CLIENT. */
  target: string;
  /** What the dialog says the target is. */
  label: string;
}

/** The replication slot a drop was asked for, as the last reading showed it. */
export interface SlotTarget {
  name: string;
  type: 'physical' | 'logical' | null;
  /** A logical slot's database: it is dropped from there. */
  database: string | null;
  retainedBytes: number | null;
}

/** The prepared transaction a ROLLBACK PREPARED was asked for. */
export interface PreparedTarget {
  gid: string;
  database: string;
  owner: string | null;
  ageXids: number;
  ageSeconds: number | null;
}

/** The dialogs confirmed by typing a name (their `typed` holds what was typed so far). */
export const TYPED_DIALOGS = ['migrate', 'drop-slot'] as const;

export type Dialog =
  | { kind: 'signal'; signal: SignalKind; targets: SessionTarget[] }
  /** Quit while a migration or a backup runs (quitting cancels it). */
  | { kind: 'quit'; running: string }
  | { kind: 'bouncer'; command: BouncerTarget }
  /** Apply pending migrations: confirmed by typing the database's name. */
  | { kind: 'migrate'; database: string; target: string; role: string; steps: PlannedStep[]; typed: string; alembic?: AlembicPlan }
  | { kind: 'backup'; database: string; target: string; dir: string }
  /** pg_stat_statements_reset(): every statement of every database starts counting again. */
  | { kind: 'statements-reset'; target: string }
  /** Drop a replication slot: confirmed by typing the slot's name. */
  | { kind: 'drop-slot'; slot: SlotTarget; target: string; typed: string }
  /** ROLLBACK PREPARED of a prepared transaction that holds the xmin horizon. */
  | { kind: 'rollback-prepared'; prepared: PreparedTarget; target: string }
  /** The keys of the view; `page` counts from 0 when they take more than one page. */
  | { kind: 'help'; page?: number }
  /** The last messages in full: the footer cuts a long one at the terminal's width. */
  | { kind: 'messages' };

export interface Message {
  text: string;
  tone: 'ok' | 'error' | 'info';
  at: number;
}

export interface SourceHealth {
  /** When the last good data arrived (ms since epoch), or undefined before any. */
  lastGoodAt: number | undefined;
  /** The current error, cleared by the next good tick. */
  error: { message: string; since: number; retryInMs: number } | undefined;
}

export interface PgState extends SourceHealth {
  snapshot: PgSnapshot | undefined;
  rates: Rates;
  target: string;
  ownPid: number | undefined;
}

/** Per pool (`database/user`): waiting clients and longest wait over the last ticks, for sparklines. */
export interface PoolHistory {
  waiting: RingBuffer;
  longestWait: RingBuffer;
}

export interface BouncerState extends SourceHealth {
  /** False when no --pgbouncer was given: the Pools view says how to connect one. */
  configured: boolean;
  target: string;
  snapshot: PgBouncerSnapshot | undefined;
  history: Record<string, PoolHistory>;
  selection: SelectionState;
  sortColumn: PoolColumnId;
  sortDescending: boolean;
  /** Databases with a PAUSE still waiting for their transactions to finish. */
  pendingPauses: string[];
}

/** What identifies a row: a pid, or a pool's `database/user`. */
export type SelectionKey = number | string;

/** A migration run under way (or just ended), as the Migrations view follows it. */
export interface MigrationRun {
  startedAt: number;
  file: string | undefined;
  fileIndex: number;
  fileTotal: number;
  statement: { line: number; index: number; count: number; excerpt: string } | undefined;
  retries: number;
  blockers: BlockingSession[];
  /** Who holds the maintenance lock while the run waits for it. */
  waitingFor: string | undefined;
  log: string[];
  finished: { ok: boolean; message: string; at: number } | undefined;
}

/** What `alembic upgrade` would run, as the apply dialog shows it and the run checks it again. */
export interface AlembicPlan {
  project: string;
  upgradeTo: string;
  from: string[];
  revisions: { revision: string; message: string }[];
}

/** The Migrations view's Alembic project (--alembic, or an alembic.ini in or above the migrations directory). */
export interface AlembicViewState {
  /** The project's directory or alembic.ini, as given or found. */
  path: string;
  status: AlembicStatus | undefined;
  error: string | undefined;
  /** An upgrade or a dry run under way (or just ended). */
  run: (AlembicProgress & { startedAt: number; dryRun: boolean }) | undefined;
  /** The SQL of the last dry run (Alembic's offline mode). */
  sql: string[] | undefined;
}

export interface MigrationsState {
  dir: string;
  /** Set when the view shows an Alembic project instead of pgtop's own SQL files. */
  alembic: AlembicViewState | undefined;
  status: MigrationStatus | undefined;
  error: string | undefined;
  loading: boolean;
  selection: SelectionState;
  run: MigrationRun | undefined;
}

export interface BackupsState {
  dir: string;
  list: ListedBackup[] | undefined;
  error: string | undefined;
  selection: SelectionState;
  /** The backup under way (or just ended). */
  job: { progress: BackupProgress; notices: string[]; finished: { ok: boolean; message: string; at: number } | undefined } | undefined;
  /** The file being verified, if any. */
  verifying: string | undefined;
}

/** The health checks' findings (slower cadence than the activity tick). */
export interface HealthState {
  findings: Finding[] | undefined;
  /** When the findings were computed (ms since epoch). */
  takenAt: number | undefined;
  error: string | undefined;
  selection: SelectionState;
  /** The finding whose detail is open. */
  detailId: string | undefined;
}

/** View 7's data: the latest reading, the WAL rate between the last two, replay lag (bytes) per standby over time. */
export interface ReplicationState {
  snapshot: ReplicationSnapshot | undefined;
  walBytesPerSecond: number | null;
  replayLagHistory: Record<string, number[]>;
  error: string | undefined;
  selection: SelectionState;
  /** Where the header's replication and vacuum warnings start (the health checks' thresholds). */
  thresholds: AlertThresholds;
}

/** View 8's data: the latest reading. */
export interface VacuumState {
  snapshot: VacuumSnapshot | undefined;
  /** The snapshot holds only the horizon and wraparound (read while view 8 is not shown, for the header). */
  partial: boolean;
  error: string | undefined;
  selection: SelectionState;
}

export interface SelectionState {
  /** The selected row follows this key (a pid in the sessions view), not the row's position. */
  key: SelectionKey | undefined;
  /** Where the selection last was, for when its row disappears. */
  index: number;
  /** First visible row. */
  top: number;
}

export interface AppState {
  view: ViewId;
  detailPid: number | undefined;
  /** The first row of the detail's query text shown (the query is scrolled, the rest stays in place). */
  detailRow: number;
  dialog: Dialog | undefined;
  pg: PgState;
  sessions: {
    selection: SelectionState;
    sortColumn: SessionColumnId;
    sortDescending: boolean;
    filter: string;
    /** The filter being typed, while the filter prompt is open. */
    filterDraft: string | undefined;
    showIdle: boolean;
    /** Only sessions that arrive through a PgBouncer pool. */
    onlyPooled: boolean;
    tagged: number[];
  };
  bouncer: BouncerState;
  migrations: MigrationsState;
  backups: BackupsState;
  health: HealthState;
  replication: ReplicationState;
  vacuum: VacuumState;
  statements: StatementsState;
  /** The plan shown over a session's or a statement's detail. */
  plan: PlanPanel | undefined;
  locks: { selection: SelectionState };
  paused: boolean;
  /** A recording replayed, or the last minutes rewound; undefined when the screen is live. */
  timeline: TimelineState | undefined;
  intervalSeconds: number;
  readOnly: boolean;
  /** The servers watched at once (a profile's [[servers]]): their summaries and the `:` picker. */
  targets: TargetsState;
  /** The profile's label and colour (e.g. a red PRODUCTION), shown in the header. */
  environment: { label: string; color: BaseColor | undefined } | undefined;
  terminal: { columns: number; rows: number };
  message: Message | undefined;
  /** The last messages, oldest first, for the messages overlay. */
  messages: Message[];
  /** Actions under way (signals in flight), for the footer. */
  busy: string | undefined;
  now: number;
}

export interface InitialStateOptions {
  intervalSeconds: number;
  readOnly: boolean;
  columns: number;
  rows: number;
  target: string;
  /** The PgBouncer admin console's target, when one is configured. */
  bouncerTarget?: string;
  migrationsDir?: string;
  /** An Alembic project for the Migrations view. */
  alembic?: string;
  backupDir?: string;
  label?: string;
  labelColor?: BaseColor;
  /** This target's name and every target's, when pgtop watches several servers. */
  targetName?: string;
  targetNames?: string[];
  /** The header's replication and vacuum thresholds; the health checks' defaults when absent. */
  alertThresholds?: AlertThresholds;
  now?: number;
}

export function initialState(options: InitialStateOptions): AppState {
  const selection = (): SelectionState => ({ key: undefined, index: 0, top: 0 });
  return {
    view: 'sessions',
    detailPid: undefined,
    detailRow: 0,
    dialog: undefined,
    pg: { snapshot: undefined, rates: { tps: null, hitRatio: null }, target: options.target, ownPid: undefined, lastGoodAt: undefined, error: undefined },
    sessions: { selection: selection(), sortColumn: 'queryAge', sortDescending: true, filter: '', filterDraft: undefined, showIdle: false, onlyPooled: false, tagged: [] },
    bouncer: {
      configured: options.bouncerTarget !== undefined,
      target: options.bouncerTarget ?? '',
      snapshot: undefined,
      history: {},
      selection: selection(),
      sortColumn: 'database',
      sortDescending: false,
      pendingPauses: [],
      lastGoodAt: undefined,
      error: undefined,
    },
    locks: { selection: selection() },
    replication: { snapshot: undefined, walBytesPerSecond: null, replayLagHistory: {}, error: undefined, selection: selection(), thresholds: options.alertThresholds ?? alertThresholds() },
    vacuum: { snapshot: undefined, partial: false, error: undefined, selection: selection() },
    migrations: {
      dir: options.migrationsDir ?? 'migrations',
      alembic: options.alembic !== undefined ? { path: options.alembic, status: undefined, error: undefined, run: undefined, sql: undefined } : undefined,
      status: undefined, error: undefined, loading: false, selection: selection(), run: undefined },
    backups: { dir: options.backupDir ?? 'backups', list: undefined, error: undefined, selection: selection(), job: undefined, verifying: undefined },
    health: { findings: undefined, takenAt: undefined, error: undefined, selection: selection(), detailId: undefined },
    statements: initialStatementsState(),
    plan: undefined,
    paused: false,
    timeline: undefined,
    intervalSeconds: options.intervalSeconds,
    readOnly: options.readOnly,
    targets: options.targetName ? { ...singleTarget(), current: options.targetName, names: options.targetNames ?? [options.targetName] } : singleTarget(),
    environment: options.label ? { label: options.label, color: options.labelColor } : undefined,
    terminal: { columns: options.columns, rows: options.rows },
    message: undefined,
    messages: [],
    busy: undefined,
    now: options.now ?? Date.now(),
  };
}
