import type { PgSnapshot } from '../sources/types.js';
import type { PgBouncerSnapshot } from '../sources/pgbouncer.js';
import type { MigrationStatus } from '../migrate/status.js';
import type { MigrationEvent } from '../migrate/types.js';
import type { ListedBackup } from '../backup/list.js';
import type { BackupEvent } from '../backup/progress.js';
import type { StateCommand } from './commands.js';
import type { Dialog, Message } from './state.js';

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
  | { type: 'message'; text: string; tone: Message['tone']; at: number }
  | { type: 'busy'; text: string | undefined }
  | { type: 'untag'; pids: number[] }
  | { type: 'bouncer-data'; snapshot: PgBouncerSnapshot; at: number }
  | { type: 'bouncer-error'; message: string; retryInMs: number; at: number }
  | { type: 'bouncer-pending'; databases: string[] }
  | { type: 'dialog-typed'; text: string }
  | { type: 'migrations-loading' }
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
  | { type: 'verify-finished' };
