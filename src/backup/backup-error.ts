import { OperationError } from '../errors.js';

export type BackupFailureReason =
  | 'no-database'
  | 'permission'
  | 'lock-timeout'
  | 'maintenance-lock'
  | 'output-dir'
  | 'disk-full'
  | 'file-too-large'
  | 'killed'
  | 'connection'
  | 'verify'
  | 'cancelled'
  | 'other';

/** A backup that did not produce a dump: why (for a UI to branch on), and pg_dump's last stderr lines. */
export class BackupError extends OperationError {
  constructor(
    message: string,
    readonly reason: BackupFailureReason,
    readonly stderrTail: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
