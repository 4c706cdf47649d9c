import { formatPercent } from '../../text/bytes.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { finding, rowsOr, str, type FindingText } from '../finding.js';
import type { HealthInput } from '../input.js';
import { pairText, severityOf } from '../../config/health-thresholds.js';
import type { Finding } from '../types.js';

/** INVALID indexes: left by a failed CREATE INDEX CONCURRENTLY (or REINDEX CONCURRENTLY). */
export function checkInvalidIndexes(input: HealthInput): Finding[] {
  const text: FindingText = {
    why: 'an INVALID index is maintained on every write but never used by a query: cost without benefit, and often a failed migration',
    action: 'DROP INDEX CONCURRENTLY it, then create it again (CREATE INDEX CONCURRENTLY) or REINDEX INDEX CONCURRENTLY',
    threshold: 'warning for any INVALID index in the connected database',
  };
  const rows = rowsOr('schema.invalid_indexes', input.server.invalidIndexes, text);
  if ('missing' in rows) return [rows.missing];
  if (rows.value.length === 0) return [finding('schema.invalid_indexes', 'ok', 'no INVALID index', text)];
  return [
    finding(
      'schema.invalid_indexes',
      'warning',
      `${rows.value.length} INVALID index(es)`,
      text,
      rows.value.map((row) => sanitizeOneLine(`${str(row.schema)}.${str(row.name)} on ${str(row.table_name)}`)),
      { kind: 'view', view: 'migrations' },
    ),
  ];
}

/** How much of a sequence's range is used, exactly (bigint arithmetic), as a share. */
export function sequenceUsage(row: { last_value: unknown; min_value: unknown; max_value: unknown; increment_by: unknown }): number | null {
  const last = str(row.last_value);
  if (last === null) return null;
  const min = BigInt(str(row.min_value) ?? '1');
  const max = BigInt(str(row.max_value) ?? '1');
  const value = BigInt(last);
  const range = max - min;
  if (range <= 0n) return null;
  const used = BigInt(str(row.increment_by) ?? '1') > 0n ? value - min : max - value;
  return Number((used * 1_000_000n) / range) / 1_000_000;
}

/** Sequences close to the end of their type's range (the next nextval() fails there). */
export function checkSequences(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'when a sequence reaches its maximum every INSERT that needs a new id fails',
    action: 'ALTER SEQUENCE … AS bigint (and the column: ALTER TABLE … ALTER COLUMN … TYPE bigint) before it runs out',
    threshold: pairText('share', t.sequenceWarning, t.sequenceCritical),
  };
  const rows = rowsOr('schema.sequences', input.server.sequences, text);
  if ('missing' in rows) return [rows.missing];
  const unreadable = rows.value.filter((row) => row.readable === false && row.cycle !== true).map((row) => sanitizeOneLine(`${str(row.schema)}.${str(row.name)}`));
  const bad = rows.value
    .filter((row) => row.cycle !== true)
    .map((row) => ({ name: sanitizeOneLine(`${str(row.schema)}.${str(row.name)}`), type: str(row.data_type), usage: sequenceUsage(row as never) }))
    .filter((seq): seq is { name: string; type: string | null; usage: number } => seq.usage !== null && seq.usage >= t.sequenceWarning)
    .sort((a, b) => b.usage - a.usage);
  if (bad.length === 0 && unreadable.length > 0) {
    const reason = `${unreadable.length} sequence(s) not readable by this role: grant it SELECT on them (or pg_read_all_data)`;
    return [finding('schema.sequences', 'unknown', `cannot check: ${reason}`, text, unreadable.slice(0, 10))];
  }
  if (bad.length === 0) return [finding('schema.sequences', 'ok', 'no sequence near its end', text)];
  const first = bad[0]!;
  return [
    finding(
      'schema.sequences',
      severityOf(first.usage, t.sequenceWarning, t.sequenceCritical),
      `sequence ${first.name} has used ${formatPercent(first.usage)} of its range`,
      text,
      bad.slice(0, 10).map((seq) => `${seq.name} (${seq.type ?? '?'}): ${formatPercent(seq.usage)} used`),
    ),
  ];
}
