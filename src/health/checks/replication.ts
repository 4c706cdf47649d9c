import { formatBytes } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { finding, num, rowsOr, str, type FindingText } from '../finding.js';
import type { HealthInput } from '../input.js';
import { pairText, severityOf } from '../../config/health-thresholds.js';
import { worstSeverity, type Finding, type Severity } from '../types.js';

/** Standbys' replay lag (time and WAL bytes, from pg_stat_replication on the primary). */
export function checkStandbyLag(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'a standby that falls behind serves stale reads and loses data on failover',
    action: 'look at the standby (view 7): its disk, its replay conflicts, the network; a paused replay resumes with pg_wal_replay_resume()',
    threshold: `${pairText('seconds', t.replicationLagWarning, t.replicationLagCritical)}; or ${pairText('bytes', t.replicationLagBytesWarning, t.replicationLagBytesCritical)} of WAL not replayed`,
  };
  const rows = rowsOr('replication.lag', input.server.replication, text);
  if ('missing' in rows) return [rows.missing];
  if (rows.value.length === 0) return [finding('replication.lag', 'ok', 'no standby connected', text)];
  const standbys = rows.value.map((row) => {
    const seconds = num(row.replay_lag_seconds) ?? 0;
    const bytes = num(row.replay_lag_bytes);
    const bySeconds = severityOf(seconds, t.replicationLagWarning, t.replicationLagCritical);
    const byBytes = severityOf(bytes ?? 0, t.replicationLagBytesWarning, t.replicationLagBytesCritical);
    return { name: sanitizeOneLine(str(row.name) || str(row.client) || '?'), seconds, bytes, state: str(row.state), severity: worstSeverity([bySeconds, byBytes]) };
  });
  // pg_stat_replication shows a role without pg_read_all_stats the standbys, but not their state or positions.
  const hidden = standbys.filter((s) => s.state === null).length;
  const rank = { critical: 2, warning: 1, ok: 0, unknown: 0 };
  standbys.sort((a, b) => rank[b.severity] - rank[a.severity] || b.seconds - a.seconds || (b.bytes ?? 0) - (a.bytes ?? 0));
  const worst = standbys[0]!;
  const evidence = standbys.map((s) => `${s.name} (${s.state ?? 'hidden'}): replay ${formatDuration(s.seconds)} behind${s.bytes === null ? '' : `, ${formatBytes(s.bytes)}`}`);
  if (worst.severity === 'ok' && hidden > 0) {
    return [finding('replication.lag', 'unknown', `cannot see the lag of ${hidden} standby(s): grant pg_read_all_stats (or pg_monitor) to this role`, text, evidence, { kind: 'view', view: 'replication' })];
  }
  const behind = worst.bytes !== null && severityOf(worst.bytes, t.replicationLagBytesWarning, t.replicationLagBytesCritical) !== 'ok' ? `${formatBytes(worst.bytes)} of WAL` : formatDuration(worst.seconds);
  return [
    finding(
      'replication.lag',
      worst.severity,
      worst.severity === 'ok' ? `${standbys.length} standby(s) keeping up` : `standby ${worst.name} is ${behind} behind`,
      text,
      evidence,
      { kind: 'view', view: 'replication' },
    ),
  ];
}

/** Replication slots that retain WAL: inactive ones above the thresholds, and any whose WAL is being lost. */
export function checkSlots(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'a slot keeps every WAL file its consumer has not read: an abandoned slot fills the disk and stops the server',
    action: 'reconnect the slot\'s consumer, or drop the slot if it is abandoned (view 7)',
    threshold: `${pairText('bytes', t.slotRetainedWarning, t.slotRetainedCritical)} retained by an inactive slot; critical when wal_status is unreserved or lost`,
  };
  const rows = rowsOr('replication.slots', input.server.slots, text);
  if ('missing' in rows) return [rows.missing];
  const slots = rows.value.map((row) => {
    const retained = num(row.retained_bytes) ?? 0;
    const status = str(row.wal_status);
    const active = row.active === true;
    let severity: Severity = active ? 'ok' : severityOf(retained, t.slotRetainedWarning, t.slotRetainedCritical);
    if (status === 'unreserved' || status === 'lost') severity = 'critical';
    return { name: sanitizeOneLine(str(row.name) ?? '?'), retained, status, active, severity };
  });
  const bad = slots.filter((slot) => slot.severity !== 'ok').sort((a, b) => b.retained - a.retained);
  if (bad.length === 0) return [finding('replication.slots', 'ok', slots.length === 0 ? 'no replication slot' : `${slots.length} slot(s), none retaining too much WAL`, text)];
  const first = bad[0]!;
  return [
    finding(
      'replication.slots',
      bad.some((slot) => slot.severity === 'critical') ? 'critical' : 'warning',
      `slot ${first.name} retains ${formatBytes(first.retained)} of WAL${first.active ? '' : ' and is inactive'}`,
      text,
      bad.map((slot) => `${slot.name}: ${slot.active ? 'active' : 'inactive'}, retains ${formatBytes(slot.retained)}, wal_status ${slot.status ?? '?'}`),
      { kind: 'slot', name: first.name },
    ),
  ];
}

/** The archiver failing: the last failure is newer than the last success. */
export function checkArchiver(input: HealthInput): Finding[] {
  const text: FindingText = {
    why: 'WAL that cannot be archived stays in pg_wal until the disk fills, and point-in-time recovery has a hole',
    action: 'read the server log for archive_command\'s error and fix the archive target',
    threshold: 'critical when the last archive attempt failed',
  };
  const rows = rowsOr('replication.archiver', input.server.archiver, text);
  if ('missing' in rows) return [rows.missing];
  const row = rows.value[0] ?? {};
  const failedAt = str(row.last_failed_time);
  const archivedAt = str(row.last_archived_time);
  const failing = failedAt !== null && (archivedAt === null || Date.parse(failedAt) > Date.parse(archivedAt));
  if (!failing) {
    const mode = str(row.archive_mode);
    return [finding('replication.archiver', 'ok', mode === 'off' ? 'archiving is off' : 'the archiver is not failing', text)];
  }
  return [
    finding(
      'replication.archiver',
      'critical',
      `archiving fails: ${sanitizeOneLine(str(row.last_failed_wal) ?? '?')} failed ${formatDuration(num(row.failed_ago))} ago`,
      text,
      [`${num(row.failed_count) ?? 0} failures since the statistics were reset; last success ${archivedAt ?? 'never'}`],
      { kind: 'view', view: 'replication' },
    ),
  ];
}
