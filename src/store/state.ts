import type { PgSnapshot, Rates } from '../sources/types.js';
import type { SessionColumnId } from './session-fields.js';
import type { PoolColumnId } from './pool-fields.js';
import type { PgBouncerSnapshot } from '../sources/pgbouncer.js';
import type { BouncerAction } from '../db/admin-commands.js';
import type { RingBuffer } from './history.js';
import type { MigrationStatus } from '../migrate/status.js';
import type { BlockingSession, PlannedStep } from '../migrate/types.js';
import type { ListedBackup } from '../backup/list.js';
import type { BackupProgress } from '../backup/progress.js';

export const VIEWS = ['sessions', 'locks', 'pools', 'migrations', 'backups'] as const;
export type ViewId = (typeof VIEWS)[number];

export const VIEW_TITLES: Record<ViewId, string> = {
  sessions: 'Sessions',
  locks: 'Locks',
  pools: 'Pools',
  migrations: 'Migrations',
  backups: 'Backups',
};

/** The session an action was confirmed for: the pid and the backend_start that make it that session. */
export interface SessionTarget {
  pid: number;
  backendStartUs: string | null;
  user: string | null;
  database: string | null;
  queryExcerpt: string;
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

export type Dialog =
  | { kind: 'signal'; signal: SignalKind; targets: SessionTarget[] }
  | { kind: 'bouncer'; command: BouncerTarget }
  /** Apply pending migrations: confirmed by typing the database's name. */
  | { kind: 'migrate'; database: string; target: string; role: string; steps: PlannedStep[]; typed: string }
  | { kind: 'backup'; database: string; target: string; dir: string }
  | { kind: 'help' }
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

export interface MigrationsState {
  dir: string;
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
  locks: { selection: SelectionState };
  paused: boolean;
  intervalSeconds: number;
  readOnly: boolean;
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
  backupDir?: string;
  now?: number;
}

export function initialState(options: InitialStateOptions): AppState {
  const selection = (): SelectionState => ({ key: undefined, index: 0, top: 0 });
  return {
    view: 'sessions',
    detailPid: undefined,
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
    migrations: { dir: options.migrationsDir ?? 'migrations', status: undefined, error: undefined, loading: false, selection: selection(), run: undefined },
    backups: { dir: options.backupDir ?? 'backups', list: undefined, error: undefined, selection: selection(), job: undefined, verifying: undefined },
    paused: false,
    intervalSeconds: options.intervalSeconds,
    readOnly: options.readOnly,
    terminal: { columns: options.columns, rows: options.rows },
    message: undefined,
    messages: [],
    busy: undefined,
    now: options.now ?? Date.now(),
  };
}
