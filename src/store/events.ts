import type { ReplicationSnapshot } from '../sources/replication/types.js';
import type { VacuumSnapshot } from '../sources/vacuum/types.js';
import type { PgSnapshot } from '../sources/types.js';
import type { PgBouncerSnapshot } from '../sources/pgbouncer.js';
import type { MigrationStatus } from '../migrate/status.js';
import type { MigrationEvent } from '../migrate/types.js';
import type { AlembicEvent, AlembicStatus } from '../migrate/alembic/types.js';
import type { ListedBackup } from '../backup/files/list.js';
import type { BackupEvent } from '../backup/job/progress.js';
import type { StateCommand } from './commands.js';
import type { StatementsDiagnosis, StatementsSnapshot } from '../sources/statements/types.js';
import type { PlanResult } from '../plan/explain.js';
import type { Dialog, Message } from './state.js';
import type { Finding } from '../health/types.js';
import type { TargetSummary } from './targets.js';
import type { TimelineState } from './timeline.js';

/** Everything that changes the state. Reducers are pure: (state, event) => state. */
export type AppEvent =
  | { type: 'pg-data'; snapshot: PgSnapshot; ownPid: number | undefined; at: number }
  | { type: 'pg-error'; message: string; retryInMs: number; at: number }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'clock'; now: number }
  | { type: 'command'; command: StateCommand }
  /** The filter being typed; undefined closes the prompt and keeps the filter as it was. */
  | { type: 'filter-draft'; text: string | undefined }
  | { type: 'filter-apply'; text: string }
  | { type: 'dialog-open'; dialog: Dialog }
  | { type: 'dialog-close' }
  /** Scrolls the detail's query by `rows` (negative: up), or to its top. */
  | { type: 'detail-scroll'; rows: number | 'top' }
  | { type: 'message'; text: string; tone: Message['tone']; at: number }
  | { type: 'busy'; text: string | undefined }
  | { type: 'untag'; pids: number[] }
  | { type: 'replication-data'; snapshot: ReplicationSnapshot; at: number }
  | { type: 'replication-error'; message: string }
  | { type: 'vacuum-data'; snapshot: VacuumSnapshot; at: number; partial?: boolean }
  | { type: 'vacuum-error'; message: string }
  | { type: 'bouncer-data'; snapshot: PgBouncerSnapshot; at: number }
  | { type: 'bouncer-error'; message: string; retryInMs: number; at: number }
  | { type: 'bouncer-pending'; databases: string[] }
  | { type: 'dialog-typed'; text: string }
  | { type: 'migrations-loading' }
  | { type: 'alembic-loaded'; status: AlembicStatus }
  | { type: 'alembic-failed'; message: string }
  | { type: 'alembic-run-started'; at: number; dryRun: boolean }
  | { type: 'alembic-run-event'; event: AlembicEvent }
  /** The offline SQL of a dry run, or the run's end without it. */
  | { type: 'alembic-run-finished'; ok: boolean; message: string; sql: string | undefined }
  | { type: 'migrations-loaded'; status: MigrationStatus }
  | { type: 'migrations-failed'; message: string }
  | { type: 'migration-started'; at: number }
  | { type: 'migration-event'; event: MigrationEvent; at: number }
  | { type: 'migration-finished'; ok: boolean; message: string; at: number }
  | { type: 'backups-loaded'; list: ListedBackup[] }
  | { type: 'backups-failed'; message: string }
  | { type: 'backup-event'; event: BackupEvent }
  | { type: 'backup-finished'; ok: boolean; message: string; at: number }
  | { type: 'verify-started'; file: string }
  | { type: 'verify-finished' }
  | { type: 'health-data'; findings: Finding[]; at: number }
  | { type: 'health-error'; message: string; at: number }
  | { type: 'statements-data'; snapshot: StatementsSnapshot; diagnosis: StatementsDiagnosis | null; at: number }
  | { type: 'statements-unavailable'; diagnosis: StatementsDiagnosis; at: number }
  | { type: 'statements-error'; message: string; retryInMs: number; at: number }
  | { type: 'statements-texts'; texts: Record<string, string> }
  | { type: 'plan-open'; of: string }
  | { type: 'plan-result'; result: PlanResult }
  /** Every target's summary, for the header's target lines. */
  | { type: 'targets-summary'; summaries: TargetSummary[] }
  /** The target name being typed after `:`; undefined closes the picker. */
  | { type: 'picker-draft'; text: string | undefined }
  /** The screen moves to a recording's time, back to live (undefined), or the goto prompt changes. */
  | { type: 'timeline'; timeline: TimelineState | undefined }
  /** Every source's data forgotten (the screen's choices kept): a seek feeds the data again from there. */
  | { type: 'data-reset' };
