import type { TableToDump } from '../server/catalog.js';
import type { DumpLine } from '../dump/dump-line.js';
import type { DumpFormat } from '../files/naming.js';

export type BackupPhase = 'connecting' | 'dumping' | 'verifying' | 'committing' | 'done' | 'failed' | 'cancelled';

/** A table whose data pg_dump is copying right now. */
export interface CurrentTableProgress {
  /** `schema.table`. */
  table: string;
  /** Rows copied so far (pg_stat_progress_copy.tuples_processed); null until first sampled. */
  rowsDone: number | null;
  /** pg_class.reltuples: an estimate, 0 when the table was never analysed. */
  rowsEstimated: number;
  /** Bytes sent by the COPY so far (pg_stat_progress_copy.bytes_processed); null until first sampled. */
  bytesDone: number | null;
  /** pg_total_relation_size of the table (the catalog's estimate when a table was locked at the start). */
  tableBytes: number;
}

/** Everything a progress display needs, complete in every event. */
export interface BackupProgress {
  phase: BackupPhase;
  database: string;
  /** host:port/database. */
  target: string;
  format: DumpFormat;
  /** The dump's final name (no directory); empty until chosen. */
  file: string;
  dir: string;
  /** pg_dump's process id while it runs. */
  pgDumpPid: number | null;
  tablesDone: number;
  tablesTotal: number;
  /** The tables being copied: one at a time, or up to --jobs with the directory format. */
  currentTables: CurrentTableProgress[];
  /** Size of the partial file (or directory) so far, then of the dump. */
  bytesWritten: number;
  startedAt: string;
  elapsedMs: number;
  /** Share of the data copied, weighted by table size, 0 to 1; null when nothing is known yet. */
  fraction: number | null;
  /** Estimated time left for the dump phase; null until there is enough to go on. */
  etaMs: number | null;
  /** Set with phase failed or cancelled: what happened. */
  error?: string;
}

export type BackupEvent =
  /** The job moved to another phase (and, for done/failed/cancelled, ended). */
  | { type: 'phase'; progress: BackupProgress }
  /** pg_dump began copying a table's data. */
  | { type: 'table'; table: string; progress: BackupProgress }
  /** A periodic sample: bytes written, the current tables' rows, the ETA. */
  | { type: 'tick'; progress: BackupProgress }
  /** Something to tell the user: the pg_dump chosen, a deleted old dump, a warning. */
  | { type: 'notice'; level: 'info' | 'warning'; message: string; progress: BackupProgress };

/** One row of pg_stat_progress_copy for a pg_dump backend. */
export interface CopySample {
  table: string;
  rows: number;
  bytes: number;
}

export interface ProgressTrackerOptions {
  database: string;
  target: string;
  format: DumpFormat;
  dir: string;
  /** pg_dump -j: tables finish out of order, and "finished item" lines say which. */
  parallel: boolean;
  onEvent: (event: BackupEvent) => void;
  now?: () => number;
}

interface TableState {
  name: string;
  rowsDone: number | null;
  bytesDone: number | null;
}

/** Turns what the job learns (phases, pg_dump's -v lines, samples) into BackupProgress events. */
export class ProgressTracker {
  private phase: BackupPhase = 'connecting';
  private file = '';
  private pgDumpPid: number | null = null;
  private sizes = new Map<string, TableToDump>();
  private tablesTotal = 0;
  private readonly done = new Set<string>();
  private running: TableState[] = [];
  private bytesWritten = 0;
  private error: string | undefined;
  private readonly startedAtMs: number;
  private dumpStartedAtMs: number | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ProgressTrackerOptions) {
    this.now = options.now ?? Date.now;
    this.startedAtMs = this.now();
  }

  /** A listener that throws must not break the backup it watches. */
  private emit(event: BackupEvent): void {
    try {
      this.options.onEvent(event);
    } catch {
      // ignored: the job goes on
    }
  }

  setTables(tables: TableToDump[]): void {
    this.sizes = new Map(tables.map((table) => [table.name, table]));
    this.tablesTotal = tables.length;
  }

  setFile(file: string): void {
    this.file = file;
  }

  setPgDumpPid(pid: number | null): void {
    this.pgDumpPid = pid;
  }

  setPhase(phase: BackupPhase, error?: string): void {
    if (phase === 'dumping') this.dumpStartedAtMs = this.now();
    if (phase === 'verifying') {
      for (const table of this.running) this.done.add(table.name);
      for (const name of this.sizes.keys()) this.done.add(name);
      this.running = [];
      this.pgDumpPid = null;
    }
    if (phase === 'failed' || phase === 'cancelled') {
      this.running = [];
      this.pgDumpPid = null;
      this.error = error;
    }
    this.phase = phase;
    this.emit({ type: 'phase', progress: this.snapshot() });
  }

  onDumpLine(line: DumpLine): void {
    if (line.kind === 'table-started') {
      if (!this.options.parallel) for (const table of this.running) this.done.add(table.name);
      if (!this.options.parallel) this.running = [];
      this.running.push({ name: line.table, rowsDone: null, bytesDone: null });
      this.emit({ type: 'table', table: line.table, progress: this.snapshot() });
    } else if (line.kind === 'table-finished') {
      // The tag is the bare table name; the first running table of that name is the one.
      const index = this.running.findIndex((table) => table.name.slice(table.name.indexOf('.') + 1) === line.tag);
      const [finished] = index >= 0 ? this.running.splice(index, 1) : [];
      if (finished) this.done.add(finished.name);
    }
  }

  sample(sample: { bytesWritten?: number; copies?: CopySample[] }): void {
    if (sample.bytesWritten !== undefined) this.bytesWritten = sample.bytesWritten;
    for (const copy of sample.copies ?? []) {
      const table = this.running.find((candidate) => candidate.name === copy.table);
      if (table) {
        table.rowsDone = copy.rows;
        table.bytesDone = copy.bytes;
      }
    }
    this.emit({ type: 'tick', progress: this.snapshot() });
  }

  notice(level: 'info' | 'warning', message: string): void {
    this.emit({ type: 'notice', level, message, progress: this.snapshot() });
  }

  snapshot(): BackupProgress {
    const currentTables = this.running.map((table): CurrentTableProgress => {
      const known = this.sizes.get(table.name);
      return { table: table.name, rowsDone: table.rowsDone, bytesDone: table.bytesDone, rowsEstimated: known?.estimatedRows ?? 0, tableBytes: known?.bytes ?? 0 };
    });
    const fraction = this.fraction(currentTables);
    const progress: BackupProgress = {
      phase: this.phase,
      database: this.options.database,
      target: this.options.target,
      format: this.options.format,
      file: this.file,
      dir: this.options.dir,
      pgDumpPid: this.pgDumpPid,
      tablesDone: this.done.size,
      tablesTotal: Math.max(this.tablesTotal, this.done.size + this.running.length),
      currentTables,
      bytesWritten: this.bytesWritten,
      startedAt: new Date(this.startedAtMs).toISOString(),
      elapsedMs: this.now() - this.startedAtMs,
      fraction,
      etaMs: this.eta(fraction),
    };
    if (this.error !== undefined) progress.error = this.error;
    return progress;
  }

  private fraction(current: CurrentTableProgress[]): number | null {
    if (this.phase === 'verifying' || this.phase === 'committing' || this.phase === 'done') return 1;
    if (this.phase !== 'dumping') return null;
    let total = 0;
    for (const table of this.sizes.values()) total += table.bytes;
    if (total <= 0) return null;
    let copied = 0;
    for (const name of this.done) copied += this.sizes.get(name)?.bytes ?? 0;
    for (const table of current) {
      // A table never analysed has no row estimate: measure it by the bytes copied instead.
      if (table.rowsDone !== null && table.rowsEstimated > 0) copied += table.tableBytes * Math.min(1, table.rowsDone / table.rowsEstimated);
      else if (table.bytesDone !== null && table.tableBytes > 0) copied += Math.min(table.tableBytes, table.bytesDone);
    }
    return Math.min(1, copied / total);
  }

  private eta(fraction: number | null): number | null {
    if (this.phase !== 'dumping' || fraction === null || fraction < 0.01 || this.dumpStartedAtMs === undefined) return null;
    const elapsed = this.now() - this.dumpStartedAtMs;
    return Math.round((elapsed * (1 - fraction)) / fraction);
  }
}
