import { PgtopError } from '../../errors.js';

export type BackupFailureReason =
  | 'no-database'
  | 'permission'
  | 'lock-timeout'
  | 'maintenance-lock'
  | 'output-dir'
  | 'no-dir'
  | 'disk-full'
  | 'file-too-large'
  | 'killed'
  | 'connection'
  | 'verify'
  | 'cancelled'
  | 'other';

/** What the command line was told wrong (exit 2, as for every command): a missing directory, no such database. */
const USAGE_REASONS: ReadonlySet<BackupFailureReason> = new Set(['no-dir', 'no-database']);

/**
 * A backup that did not produce a dump: why (for a UI to branch on), and pg_dump's last stderr lines. Exit 1,
 * except for a missing directory or database, which are usage errors (exit 2) in every command.
 */
export class BackupError extends PgtopError {
  constructor(
    message: string,
    readonly reason: BackupFailureReason,
    readonly stderrTail: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, USAGE_REASONS.has(reason) ? 2 : 1, options);
  }
}
