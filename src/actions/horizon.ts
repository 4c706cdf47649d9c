import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import { describeTarget } from '../config/resolve.js';
import { errorMessage } from '../errors.js';
import { audit, type AuditEntry } from '../audit/log.js';

export interface HorizonOutcome {
  result: 'ok' | 'refused' | 'failed' | 'ended';
  message: string;
}

type Writer = (entry: AuditEntry) => string | undefined;

/** Runs `work` on its own connection to `database`, auditing the outcome under `action`. */
async function audited(
  settings: ConnectionSettings,
  database: string,
  entry: { action: string; [detail: string]: string },
  work: (client: Awaited<ReturnType<typeof connect>>) => Promise<HorizonOutcome>,
  writeAudit: Writer,
): Promise<HorizonOutcome> {
  const target = { ...settings, database };
  let outcome: HorizonOutcome;
  let client;
  try {
    client = await connect(target, { applicationName: 'pgtop', statementTimeoutMs: 10_000 });
    outcome = await work(client);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = errorMessage(error);
    outcome =
      code === '42501'
        ? { result: 'refused', message: `${message}. Role "${settings.user}" needs the REPLICATION attribute or superuser for slots, or to own the prepared transaction.` }
        : { result: 'failed', message };
  } finally {
    await closeQuietly(client);
  }
  const auditError = writeAudit({ ...entry, target: describeTarget(target), role: settings.user, result: outcome.result, message: outcome.message });
  if (auditError) outcome.message += ` (${auditError})`;
  return outcome;
}

export interface DropSlotRequest {
  slot: string;
  /** What the user typed to confirm: must be the slot's name, exactly. */
  typed: string;
  /** A logical slot can only be dropped from its own database. */
  database: string | null;
}

/**
 * Drops an inactive replication slot, after the user typed its name. The slot is checked again just
 * before: gone, or active (a consumer is attached), it is left alone.
 */
export async function dropSlot(settings: ConnectionSettings, request: DropSlotRequest, writeAudit: Writer = audit): Promise<HorizonOutcome> {
  if (request.typed !== request.slot) {
    return { result: 'refused', message: `not dropped: type the slot name "${request.slot}" exactly to drop it` };
  }
  return audited(
    settings,
    request.database ?? settings.database,
    { action: 'drop-slot', slot: request.slot },
    async (client) => {
      const { rows } = await client.query<{ active: boolean; active_pid: number | null }>(
        'SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = $1',
        [request.slot],
      );
      const row = rows[0];
      if (!row) return { result: 'ended', message: `slot ${request.slot} no longer exists: nothing was dropped` };
      if (row.active) return { result: 'refused', message: `slot ${request.slot} is active (pid ${row.active_pid}): stop its consumer first` };
      await client.query('SELECT pg_drop_replication_slot($1)', [request.slot]);
      return { result: 'ok', message: `dropped slot ${request.slot}` };
    },
    writeAudit,
  );
}

export interface RollbackPreparedRequest {
  gid: string;
  /** The prepared transaction's database: ROLLBACK PREPARED must run there. */
  database: string;
}

/** Rolls back a prepared transaction (two-phase commit), from its own database. */
export async function rollbackPrepared(settings: ConnectionSettings, request: RollbackPreparedRequest, writeAudit: Writer = audit): Promise<HorizonOutcome> {
  return audited(
    settings,
    request.database,
    { action: 'rollback-prepared', gid: request.gid },
    async (client) => {
      const { rows } = await client.query('SELECT 1 FROM pg_prepared_xacts WHERE gid = $1 AND database = current_database()', [request.gid]);
      if (rows.length === 0) return { result: 'ended', message: `prepared transaction ${request.gid} is gone: nothing was rolled back` };
      await client.query(`ROLLBACK PREPARED '${request.gid.replace(/'/g, "''")}'`);
      return { result: 'ok', message: `rolled back prepared transaction ${request.gid}` };
    },
    writeAudit,
  );
}
