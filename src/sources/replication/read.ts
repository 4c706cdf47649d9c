import type pg from 'pg';
import { iso, num, text, type RawRow } from '../parse.js';
import { parseArchiver, parseRecovery, parseSlot, parseStandby } from './parse.js';
import type { ReplicationSql } from './sql.js';
import type { ReplicationSnapshot, StandbyRow } from './types.js';

/** Reads standbys, slots, the archiver and (on a standby) recovery in one round trip. */
export async function readReplication(client: pg.Client, sql: ReplicationSql): Promise<ReplicationSnapshot> {
  const statements = [sql.position, sql.standbys, sql.slots, sql.archiver, sql.receiver];
  const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult<RawRow>[];
  const [position, standbys, slots, archiver, receiver] = results.map((result) => result.rows);
  const pos = position?.[0];
  if (!pos) throw new Error('the replication query returned no rows');
  const standby = pos.in_recovery === true;
  const standbyRows = (standbys ?? []).map(parseStandby);
  return {
    takenAt: iso(pos.now) ?? new Date().toISOString(),
    role: standby ? 'standby' : 'primary',
    currentLsn: text(pos.current_lsn),
    currentLsnBytes: num(pos.current_bytes),
    standbys: standbyRows,
    slots: (slots ?? []).map(parseSlot),
    archiver: parseArchiver(archiver?.[0]),
    recovery: standby ? parseRecovery(pos, receiver?.[0]) : null,
    notes: replicationNotes(pos, standbyRows),
  };
}

function replicationNotes(pos: RawRow, standbys: readonly StandbyRow[]): string[] {
  if (pos.sees_all === true) return [];
  const role = text(pos.current_user) ?? '?';
  const hidden = standbys.filter((s) => s.sentLsn === null).length;
  const what = hidden > 0 ? `the positions and lags of ${hidden} standby(s) and the WAL receiver` : 'standby positions, lags and the WAL receiver';
  return [`role "${role}" cannot see ${what}: a role with pg_monitor (or pg_read_all_stats) would (GRANT pg_monitor TO "${role}").`];
}

/** WAL generated per second between two readings of the same server; null without two positions. */
export function walRate(previous: ReplicationSnapshot | undefined, current: ReplicationSnapshot): number | null {
  if (!previous || previous.currentLsnBytes === null || current.currentLsnBytes === null) return null;
  const seconds = (Date.parse(current.takenAt) - Date.parse(previous.takenAt)) / 1000;
  if (!(seconds > 0) || current.currentLsnBytes < previous.currentLsnBytes) return null;
  return (current.currentLsnBytes - previous.currentLsnBytes) / seconds;
}
