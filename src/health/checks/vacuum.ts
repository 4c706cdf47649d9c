import { formatCount, formatPercent } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { finding, num, rowsOr, str, type FindingText } from '../finding.js';
import type { HealthInput } from '../input.js';
import { formatThreshold, pairText, severityOf } from '../../config/health-thresholds.js';
import type { Finding, FindingTarget } from '../types.js';
import { hiddenNote } from './sessions.js';

const WRAPAROUND_LIMIT = 2 ** 31;

/** The oldest holders of the xmin horizon: sessions and prepared transactions by age in time. */
export function checkXminHorizon(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'vacuum cannot remove rows that the oldest snapshot may still see: tables bloat and wraparound comes closer',
    action: 'end the holder (view 8): terminate the session, roll back the prepared transaction, or drop the abandoned slot',
    threshold: `${pairText('seconds', t.xminHorizonWarning, t.xminHorizonCritical)} of the holder's transaction`,
  };
  const rows = rowsOr('vacuum.xmin_horizon', input.server.horizon, text);
  if ('missing' in rows) return [rows.missing];
  const holders = rows.value
    .map((row) => ({ kind: str(row.kind) ?? '?', id: sanitizeOneLine(str(row.id) ?? '?'), xids: num(row.age_xids) ?? 0, seconds: num(row.age_seconds), pid: num(row.pid) }))
    .filter((holder) => holder.seconds !== null)
    .sort((a, b) => (b.seconds ?? 0) - (a.seconds ?? 0));
  const oldest = holders[0];
  const severity = oldest ? severityOf(oldest.seconds ?? 0, t.xminHorizonWarning, t.xminHorizonCritical) : 'ok';
  // Other roles' sessions show no transaction ids to a role without pg_read_all_stats: not seen is not OK.
  const hidden = severity === 'ok' && input.activity.ok ? hiddenNote(input.activity.value) : null;
  if (hidden) return [finding('vacuum.xmin_horizon', 'unknown', 'cannot see every session', text, [hidden])];
  if (!oldest || severity === 'ok') return [finding('vacuum.xmin_horizon', 'ok', oldest ? `oldest horizon holder is ${formatDuration(oldest.seconds)} old` : 'no session holds back the xmin horizon', text)];
  const target: FindingTarget = oldest.kind === 'session' && oldest.pid !== null ? { kind: 'session', pid: oldest.pid } : { kind: 'view', view: 'vacuum' };
  return [
    finding(
      'vacuum.xmin_horizon',
      severity,
      `${oldest.kind} ${oldest.id} has held the xmin horizon for ${formatDuration(oldest.seconds)}`,
      text,
      holders.filter((h) => (h.seconds ?? 0) >= t.xminHorizonWarning).slice(0, 10).map((h) => `${h.kind} ${h.id}: ${formatDuration(h.seconds)}, ${formatCount(h.xids)} transactions old`),
      target,
    ),
  ];
}

/** Transaction-ID (and multixact) age of each database against the freeze age and the 2^31 limit. */
export function checkWraparound(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'at 2^31 transactions PostgreSQL stops accepting writes until the database is vacuumed',
    action: 'find what keeps autovacuum from freezing (the xmin horizon, view 8) and run VACUUM (FREEZE) on the oldest tables',
    threshold: `warning ≥ ${formatThreshold('share', t.wraparoundWarning)} of autovacuum_freeze_max_age, critical ≥ ${formatThreshold('share', t.wraparoundCritical)} of 2^31`,
  };
  const rows = rowsOr('vacuum.wraparound', input.server.wraparound, text);
  if ('missing' in rows) return [rows.missing];
  const databases = rows.value.map((row) => {
    const freezeMax = num(row.freeze_max_age) ?? 200_000_000;
    const mxFreezeMax = num(row.mxid_freeze_max_age) ?? 400_000_000;
    const age = Math.max(num(row.xid_age) ?? 0, ((num(row.mxid_age) ?? 0) * freezeMax) / mxFreezeMax);
    const severity = age / WRAPAROUND_LIMIT >= t.wraparoundCritical ? 'critical' : age / freezeMax >= t.wraparoundWarning ? 'warning' : 'ok';
    return { name: sanitizeOneLine(str(row.name) ?? '?'), xid: num(row.xid_age) ?? 0, mxid: num(row.mxid_age) ?? 0, freezeMax, severity } as const;
  });
  const bad = databases.filter((db) => db.severity !== 'ok');
  const oldest = [...databases].sort((a, b) => b.xid - a.xid)[0];
  if (bad.length === 0) {
    return [finding('vacuum.wraparound', 'ok', oldest ? `oldest database ${oldest.name} at ${formatPercent(oldest.xid / oldest.freezeMax)} of the freeze age` : 'no database', text)];
  }
  return [
    finding(
      'vacuum.wraparound',
      bad.some((db) => db.severity === 'critical') ? 'critical' : 'warning',
      `${bad.length} database(s) past ${formatThreshold('share', t.wraparoundWarning)} of the freeze age`,
      text,
      bad.map((db) => `${db.name}: ${formatCount(db.xid)} transactions old (${formatPercent(db.xid / db.freezeMax)} of autovacuum_freeze_max_age), multixact age ${formatCount(db.mxid)}`),
      { kind: 'view', view: 'vacuum' },
    ),
  ];
}

/** Tables never vacuumed or never analyzed that have many dead tuples. */
export function checkNeverVacuumed(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'a table autovacuum never reaches keeps its dead rows and its planner statistics are missing',
    action: 'run VACUUM (ANALYZE) on it, and check autovacuum settings and what blocks it (view 8)',
    threshold: `warning ≥ ${formatCount(t.deadTuplesWarning)} dead tuples in a table never vacuumed or analyzed`,
  };
  const rows = rowsOr('vacuum.never_vacuumed', input.server.deadTuples, text);
  if ('missing' in rows) return [rows.missing];
  const bad = rows.value
    .map((row) => ({ name: sanitizeOneLine(`${str(row.schema)}.${str(row.name)}`), dead: num(row.dead_tuples) ?? 0, vacuumed: str(row.last_vacuum), analyzed: str(row.last_analyze) }))
    .filter((table) => table.dead >= t.deadTuplesWarning);
  if (bad.length === 0) return [finding('vacuum.never_vacuumed', 'ok', 'no unvacuumed table with many dead tuples', text)];
  return [
    finding(
      'vacuum.never_vacuumed',
      'warning',
      `${bad.length} table(s) never vacuumed or analyzed with many dead tuples`,
      text,
      bad.slice(0, 10).map((table) => `${table.name}: ${formatCount(table.dead)} dead tuples, ${table.vacuumed ? 'never analyzed' : 'never vacuumed'}`),
      { kind: 'view', view: 'vacuum' },
    ),
  ];
}
