import { checkAlembicMigrations } from './checks/alembic.js';
import { checkConnections } from './checks/connections.js';
import { checkLockQueues } from './checks/locks.js';
import { checkToolHistories } from './checks/history.js';
import { checkBackups, checkMigrations } from './checks/maintenance.js';
import { checkPools } from './checks/pools.js';
import { checkArchiver, checkSlots, checkStandbyLag } from './checks/replication.js';
import { checkInvalidIndexes, checkSequences } from './checks/schema.js';
import { checkCheckpoints, checkStatementsExtension } from './checks/server.js';
import { checkIdleInTransaction, checkLongQueries } from './checks/sessions.js';
import { checkNeverVacuumed, checkWraparound, checkXminHorizon } from './checks/vacuum.js';
import type { HealthInput } from './input.js';
import type { Finding } from './types.js';

/** Every check, in the order findings are listed; each returns at least one finding for each id it owns. */
export const CHECKS: readonly ((input: HealthInput) => Finding[])[] = [
  checkConnections,
  checkIdleInTransaction,
  checkLongQueries,
  checkLockQueues,
  checkPools,
  checkStandbyLag,
  checkSlots,
  checkArchiver,
  checkXminHorizon,
  checkWraparound,
  checkNeverVacuumed,
  checkInvalidIndexes,
  checkSequences,
  checkMigrations,
  checkAlembicMigrations,
  checkToolHistories,
  checkBackups,
  checkStatementsExtension,
  checkCheckpoints,
];

/** Every finding id a check can produce (what --only and --skip accept). */
export const CHECK_IDS = [
  'connections.usage', 'connections.limits', 'sessions.idle_in_transaction', 'sessions.long_query', 'locks.queue',
  'pgbouncer.reachable', 'pgbouncer.pools', 'pgbouncer.clients', 'replication.lag', 'replication.slots',
  'replication.archiver', 'vacuum.xmin_horizon', 'vacuum.wraparound', 'vacuum.never_vacuumed',
  'schema.invalid_indexes', 'schema.sequences', 'migrations.state', 'migrations.history', 'backups.age', 'backups.verify',
  'server.pg_stat_statements', 'server.checkpoints',
] as const;

/** Runs every check on the data; a check that throws is UNKNOWN with the reason, never a crash. */
export function evaluate(input: HealthInput): Finding[] {
  return CHECKS.flatMap((check) => {
    try {
      return check(input);
    } catch (error) {
      return [{ id: check.name, severity: 'unknown' as const, summary: `the check failed: ${(error as Error).message}`, evidence: [], why: '', action: 'run again with --debug and report it', threshold: '' }];
    }
  });
}
