import type { PgSnapshot } from '../sources/types.js';
import type { PgBouncerSnapshot } from '../sources/pgbouncer.js';
import type { CommandId } from '../keymap/bindings.js';
import type { Dialog, Message } from './state.js';

/** Everything that changes the state. Reducers are pure: (state, event) => state. */
export type AppEvent =
  | { type: 'pg-data'; snapshot: PgSnapshot; ownPid: number | undefined; at: number }
  | { type: 'pg-error'; message: string; retryInMs: number; at: number }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'clock'; now: number }
  | { type: 'command'; command: CommandId }
  | { type: 'filter-key'; key: string; input: string }
  | { type: 'dialog-open'; dialog: Dialog }
  | { type: 'dialog-close' }
  | { type: 'message'; text: string; tone: Message['tone']; at: number }
  | { type: 'busy'; text: string | undefined }
  | { type: 'untag'; pids: number[] }
  | { type: 'bouncer-data'; snapshot: PgBouncerSnapshot; at: number }
  | { type: 'bouncer-error'; message: string; retryInMs: number; at: number }
  | { type: 'bouncer-pending'; databases: string[] };
