import { RecordingCursor } from '../../record/cursor.js';
import { seekEvents } from '../../actions/timeline-player.js';
import type { RecordedEvent } from '../../record/format.js';
import type { Recording } from '../../record/reader.js';
import { OperationError } from '../../errors.js';
import { walRate } from '../../sources/replication/read.js';
import type { ReplicationSnapshot } from '../../sources/replication/types.js';
import type { VacuumSnapshot } from '../../sources/vacuum/types.js';
import type { PgSnapshot } from '../../sources/types.js';
import type { PgBouncerSnapshot } from '../../sources/pgbouncer.js';
import { buildSnapshotDocument, type SnapshotDocument } from '../../store/snapshot-document.js';
import { alertThresholds, replicationAlerts } from '../../store/replication-alerts.js';
import { computeStatementRates } from '../../store/statement-rates.js';
import { buildStatementsDocument, type StatementsDocument } from '../../store/statements-document.js';
import type { StatementsDiagnosis, StatementsSnapshot } from '../../sources/statements/types.js';

const clockOf = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

function lastTwo(events: RecordedEvent[], type: string): [RecordedEvent | undefined, RecordedEvent | undefined] {
  const of = events.filter((e) => e.type === type);
  return [of[of.length - 1], of[of.length - 2]];
}

/**
 * The document `pgtop snapshot --json` would have printed at `at`, from the readings recorded at or just
 * before it: the same shape, with a note saying where it comes from.
 */
export function documentAt(recording: Recording, at: number): SnapshotDocument {
  const cursor = new RecordingCursor(recording);
  const events = seekEvents(cursor, at, (recording.header.intervalSeconds || 2) * 1000);
  const [pg, pgBefore] = lastTwo(events, 'pg-data');
  const reasons = cursor.notices.length > 0 ? `: ${cursor.notices.join('; ')}` : '';
  if (!pg) throw new OperationError(`the recording has no data at ${clockOf(at)} UTC (it holds ${cursor.start === undefined ? 'nothing' : `${clockOf(cursor.start)} to ${clockOf(cursor.end ?? cursor.start)} UTC`})${reasons}`);
  const snapshot = pg.snapshot as unknown as PgSnapshot;
  const doc = buildSnapshotDocument(snapshot, pgBefore?.snapshot as unknown as PgSnapshot | undefined, recording.header.target);
  doc.notes.push(`replayed from a recording: the reading of ${clockOf(pg.at)} UTC`, ...cursor.notices);
  const [replication, replicationBefore] = lastTwo(events, 'replication-data');
  if (replication) {
    const data = replication.snapshot as unknown as ReplicationSnapshot;
    doc.replication = { ...data, walBytesPerSecond: walRate(replicationBefore?.snapshot as unknown as ReplicationSnapshot | undefined, data) };
  }
  const [vacuum] = lastTwo(events, 'vacuum-data');
  if (vacuum) doc.vacuum = vacuum.snapshot as unknown as VacuumSnapshot;
  if (replication || vacuum) doc.findings = replicationAlerts(doc.replication, doc.vacuum, alertThresholds());
  const [bouncer] = lastTwo(events, 'bouncer-data');
  if (bouncer) doc.pgbouncer = { ok: true, ...(bouncer.snapshot as unknown as PgBouncerSnapshot) };
  const statements = statementsAt(events);
  if (statements) doc.statements = statements;
  return doc;
}

/** pg_stat_statements as recorded last: the rates between its last two fetches, with the texts recorded. */
function statementsAt(events: RecordedEvent[]): StatementsDocument | undefined {
  const latest = events.filter((e) => e.type === 'statements-data' || e.type === 'statements-unavailable').pop();
  if (latest?.type === 'statements-unavailable') return { available: false, ...(latest.diagnosis as unknown as StatementsDiagnosis) };
  const [data, before] = lastTwo(events, 'statements-data');
  if (!data) return undefined;
  const snapshot = data.snapshot as unknown as StatementsSnapshot;
  const texts = new Map<string, string>();
  for (const event of events) if (event.type === 'statements-texts') for (const [key, text] of Object.entries(event.texts as Record<string, string>)) if (text !== '') texts.set(key, text);
  const rates = computeStatementRates(before?.snapshot as unknown as StatementsSnapshot | undefined, snapshot);
  return buildStatementsDocument(snapshot, rates, texts, (data.diagnosis ?? null) as unknown as StatementsDiagnosis | null);
}
