import type { PgBouncerSnapshot } from '../sources/pgbouncer.js';
import type { BlockingEdge, PgSnapshot, Rates, ServerInfo, Session, StateCounts, WaitingLock } from '../sources/types.js';
import type { ReplicationSnapshot } from '../sources/replication/types.js';
import type { VacuumSnapshot } from '../sources/vacuum/types.js';
import { blockingEdges, computeRates, countStates } from './derive.js';
import type { StatementsDocument } from './statements-document.js';

/** What `pgtop snapshot --json` prints: the same data the screen shows. */
export interface SnapshotDocument {
  takenAt: string;
  target: string;
  server: ServerInfo;
  rates: Rates;
  counts: StateCounts;
  sessions: Session[];
  blocking: BlockingEdge[];
  /** The locks waited for (null: not read, which a snapshot and a recording always do). */
  waitingLocks: WaitingLock[] | null;
  notes: string[];
  /** Standbys, slots, archiver, recovery (view 7), with the WAL generation rate between two ticks. */
  replication?: ReplicationSnapshot & { walBytesPerSecond: number | null };
  /** Vacuum progress, xmin horizon holders, wraparound and table pressure (view 8). */
  vacuum?: VacuumSnapshot;
  /** What in replication and vacuum crosses a threshold (the header's warning line). */
  findings?: string[];
  /** With --pgbouncer: PgBouncer's pools with the derived figures, or why it did not answer. */
  pgbouncer?: ({ ok: true } & PgBouncerSnapshot) | { ok: false; error: { kind: string; message: string } };
  /** With --statements: pg_stat_statements with rates over the interval, or why it cannot be read. */
  statements?: StatementsDocument;
}

export function privilegeNotes(snapshot: PgSnapshot): string[] {
  const hidden = snapshot.sessions.filter((s) => s.hidden && s.database !== null).length;
  if (hidden === 0) return [];
  return [
    `role "${snapshot.server.currentUser}" cannot see the details of ${hidden} session(s) of other roles ` +
      '(shown as hidden: state, query and times are null). Grant pg_read_all_stats to see them.',
  ];
}

export function buildSnapshotDocument(snapshot: PgSnapshot, previous: PgSnapshot | undefined, target: string): SnapshotDocument {
  return {
    takenAt: snapshot.takenAt,
    target,
    server: snapshot.server,
    rates: computeRates(previous?.server, snapshot.server),
    counts: countStates(snapshot.sessions),
    sessions: snapshot.sessions,
    blocking: blockingEdges(snapshot.sessions),
    waitingLocks: snapshot.waitingLocks,
    notes: privilegeNotes(snapshot),
  };
}
