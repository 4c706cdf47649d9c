import type { ConnectionSettings } from '../config/types.js';
import { describeTarget } from '../config/resolve.js';
import { closeQuietly, connect } from '../db/connect.js';
import { errorMessage } from '../errors.js';
import { PROBE_SQL, statementsSql } from '../sources/statements/sql.js';
import { audit, type AuditEntry } from '../audit/log.js';

export interface ResetOutcome {
  result: 'ok' | 'refused' | 'failed';
  message: string;
}

/**
 * Empties pg_stat_statements for every database and role (pg_stat_statements_reset()), on a connection
 * of its own. Audited whatever the outcome.
 */
export async function resetStatements(
  settings: ConnectionSettings,
  writeAudit: (entry: AuditEntry) => string | undefined = audit,
): Promise<ResetOutcome> {
  const outcome = await runReset(settings);
  const auditError = writeAudit({ action: 'statements-reset', target: describeTarget(settings), role: settings.user, result: outcome.result, message: outcome.message });
  if (auditError) outcome.message += ` (${auditError})`;
  return outcome;
}

async function runReset(settings: ConnectionSettings): Promise<ResetOutcome> {
  let client;
  try {
    client = await connect(settings, { applicationName: 'pgtop', statementTimeoutMs: 5000 });
    const extension = (await client.query<{ schema: string; columns: string[]; has_info: boolean }>(PROBE_SQL)).rows[0];
    if (!extension) {
      return { result: 'refused', message: `pg_stat_statements is not installed in database "${settings.database}": nothing to reset.` };
    }
    await client.query(statementsSql(extension.schema, extension.columns, extension.has_info).reset);
    return { result: 'ok', message: 'pg_stat_statements was reset: every statement of every database starts counting again.' };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42501') {
      return {
        result: 'refused',
        message: `role "${settings.user}" may not reset pg_stat_statements: ${errorMessage(error)}. A superuser can allow it: GRANT EXECUTE ON FUNCTION pg_stat_statements_reset TO "${settings.user}";`,
      };
    }
    return { result: 'failed', message: `could not reset pg_stat_statements: ${errorMessage(error)}` };
  } finally {
    await closeQuietly(client);
  }
}
