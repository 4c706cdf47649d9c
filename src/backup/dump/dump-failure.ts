import { BackupError, type BackupFailureReason } from '../job/backup-error.js';
import { parseDumpLine } from './dump-line.js';
import { splitRelationList } from '../server/lock-blockers.js';
import type { ProcessExit } from './run-dump.js';

export interface DumpFailure {
  reason: BackupFailureReason;
  /** The table pg_dump could not lock or read, as pg_dump's query named it (`public.orders`). */
  relation?: string;
}

/** `LOCK TABLE public.orders IN ACCESS SHARE MODE` in a `detail: Query was:` line names the table. */
export function relationInTail(stderrTail: string[]): string | undefined {
  for (const line of [...stderrTail].reverse()) {
    const match = /LOCK TABLE (?:ONLY )?(.+?) IN ACCESS SHARE MODE/.exec(line);
    if (match) return match[1];
  }
  for (const line of [...stderrTail].reverse()) {
    const match = /permission denied for (?:table|relation|sequence) ("(?:[^"]|"")+"|\S+)/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

function deniedSchema(stderrTail: string[]): string | undefined {
  for (const line of stderrTail) {
    const match = /permission denied for schema ("(?:[^"]|"")+"|\S+)/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** What went wrong, from how pg_dump ended and what it last said. */
export function classifyDumpFailure(exit: ProcessExit, stderrTail: string[]): DumpFailure {
  const text = stderrTail.join('\n');
  const relation = relationInTail(stderrTail);
  const withRelation = (reason: BackupFailureReason): DumpFailure => (relation ? { reason, relation } : { reason });
  if (exit.signal === 'SIGXFSZ' || /File too large/i.test(text)) return { reason: 'file-too-large' };
  if (/No space left on device|Disk quota exceeded/i.test(text)) return { reason: 'disk-full' };
  if (exit.signal) return { reason: 'killed' };
  if (/database ".*" does not exist/.test(text)) return { reason: 'no-database' };
  if (/permission denied for/i.test(text)) return withRelation('permission');
  if (/LOCK TABLE/.test(text) && /canceling statement due to (statement|lock) timeout|lock timeout/i.test(text)) return withRelation('lock-timeout');
  if (/could not (open|create|write to) (output file|directory|file)|Permission denied|Read-only file system/i.test(text)) return { reason: 'output-dir' };
  if (/connection to server .* failed|could not connect|server closed the connection|terminating connection/i.test(text)) return { reason: 'connection' };
  return { reason: 'other' };
}

/**
 * The lines worth showing: pg_dump's errors, details and hints (its -v chatter left out), or the last
 * few lines when there are none.
 */
export function stderrExcerpt(stderrTail: string[], max = 12): string[] {
  const telling = stderrTail.filter((line) => parseDumpLine(line).kind !== 'info' || !line.startsWith('pg_dump'));
  return (telling.length > 0 ? telling : stderrTail).slice(-max);
}

export interface DumpFailureContext {
  exit: ProcessExit;
  stderrTail: string[];
  user: string;
  database: string;
  dir: string;
  lockWaitTimeoutSec: number;
  /** Sessions holding or queued for a lock that blocks pg_dump on the table, already described. */
  lockHolders?: string[];
}

function howItEnded(exit: ProcessExit): string {
  if (exit.spawnError) return `could not be started: ${exit.spawnError.message}`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? '?'}`;
}

function whatHappened(failure: DumpFailure, context: DumpFailureContext): string {
  const { user, database, dir } = context;
  const table = failure.relation === undefined ? 'a table' : splitRelationList(failure.relation).length > 1 ? `one of ${failure.relation}` : failure.relation;
  switch (failure.reason) {
    case 'no-database':
      return `database "${database}" does not exist. Check the name (-d or PGDATABASE); psql -l lists the databases.`;
    case 'permission': {
      const schema = deniedSchema(context.stderrTail);
      if (schema) {
        return `the role "${user}" may not use schema ${schema}, so pg_dump cannot read ${table}. Grant it read access to every table ` +
          `(GRANT pg_read_all_data TO "${user}"; PostgreSQL 14+) or to this schema (GRANT USAGE ON SCHEMA ${schema} TO "${user}"; ` +
          `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO "${user}";), or run the backup as a role that can read everything.`;
      }
      return `the role "${user}" may not read ${table}, so pg_dump cannot dump it. Grant it read access to every table ` +
        `(GRANT pg_read_all_data TO "${user}"; PostgreSQL 14+) or to this one (GRANT SELECT ON ${table} TO "${user}";), ` +
        'or run the backup as a role that can read everything.';
    }
    case 'lock-timeout': {
      const holders = context.lockHolders?.length ? ` It is held by: ${context.lockHolders.join('; ')}.` : '';
      return `pg_dump could not lock ${table} within the lock wait timeout (${context.lockWaitTimeoutSec} s): another session holds or awaits a conflicting lock (DDL, VACUUM FULL, LOCK TABLE).${holders} ` +
        'Wait for it to finish (or end it), then run the backup again, or allow a longer wait with --lock-wait-timeout SECS.';
    }
    case 'file-too-large':
      return `the dump outgrew the largest file this process may write (pg_dump ${howItEnded(context.exit)}): a file size limit is set (ulimit -f, or LimitFSIZE in a systemd unit), or the file system caps file size. ` +
        'Raise or remove the limit (ulimit -f unlimited), or use --format directory, which writes one file per table.';
    case 'disk-full':
      return `the disk holding ${dir} is full (or the user's quota is used up). Free some space or choose another backup directory (--backup-dir); --keep N deletes older dumps after each new one.`;
    case 'killed':
      return `pg_dump ${howItEnded(context.exit)} before it finished: by someone's kill, a service manager, or the kernel's out-of-memory killer (see journalctl -k or dmesg). ` +
        'Run the backup again; if it keeps happening, find what stops it.';
    case 'output-dir':
      return `pg_dump could not write in ${dir}. Check that this user may write there and the file system is not read-only, or choose another backup directory (--backup-dir).`;
    case 'connection':
      return 'pg_dump could not connect to the server, or lost its connection. Check that the server is up and accepts this user, then run the backup again.';
    default:
      return `pg_dump ${howItEnded(context.exit)}. See its messages below.`;
  }
}

/** A BackupError that says what happened, what to do, and what pg_dump said. */
export function explainDumpFailure(failure: DumpFailure, context: DumpFailureContext): BackupError {
  const excerpt = stderrExcerpt(context.stderrTail);
  const said = excerpt.length > 0 ? `\npg_dump said:\n  ${excerpt.join('\n  ')}` : '';
  const message = `backup of ${context.database} failed: ${whatHappened(failure, context)}\nNo dump was written; older dumps are untouched.${said}`;
  return new BackupError(message, failure.reason, context.stderrTail);
}
