import { defaultThresholds, type Thresholds as HealthThresholds } from '../config/health-thresholds.js';
import type { ReplicationSnapshot } from '../sources/replication/types.js';
import type { VacuumSnapshot } from '../sources/vacuum/types.js';
import { formatBytes } from '../text/bytes.js';
import { formatDuration } from '../text/duration.js';

/** Where the header's warning line starts: the health checks' warning thresholds, and two of its own. */
export interface Thresholds {
  standbyLagBytes: number;
  standbyLagSeconds: number;
  slotRetainedBytes: number;
  horizonAgeXids: number;
  horizonAgeSeconds: number;
  /** A database's age(datfrozenxid) above this share of autovacuum_freeze_max_age. */
  wraparoundFreezeFraction: number;
}

/** The header's thresholds from the health checks' (`--threshold` and configuration change those). */
export function alertThresholds(health: HealthThresholds = defaultThresholds()): Thresholds {
  return {
    standbyLagBytes: health.replicationLagBytesWarning,
    standbyLagSeconds: health.replicationLagWarning,
    slotRetainedBytes: health.slotRetainedWarning,
    horizonAgeXids: 50_000_000,
    horizonAgeSeconds: health.xminHorizonWarning,
    wraparoundFreezeFraction: health.wraparoundWarning,
  };
}

/** Short findings for the header: what in replication and vacuum crosses a threshold. Empty when all is well. */
export function replicationAlerts(
  replication: ReplicationSnapshot | undefined,
  vacuum: VacuumSnapshot | undefined,
  thresholds: Thresholds,
): string[] {
  return [...(replication ? walAlerts(replication, thresholds) : []), ...(vacuum ? vacuumAlerts(vacuum, thresholds) : [])];
}

function walAlerts(replication: ReplicationSnapshot, t: Thresholds): string[] {
  const alerts: string[] = [];
  for (const standby of replication.standbys) {
    const bytes = standby.replayLagBytes ?? 0;
    const seconds = standby.replayLagSeconds ?? 0;
    if (bytes > t.standbyLagBytes) alerts.push(`standby ${standby.name} ${formatBytes(bytes)} behind`);
    else if (seconds > t.standbyLagSeconds) alerts.push(`standby ${standby.name} ${formatDuration(seconds)} behind`);
  }
  const recovery = replication.recovery;
  if (recovery?.replayLagBytes && recovery.replayLagBytes > t.standbyLagBytes) alerts.push(`replay ${formatBytes(recovery.replayLagBytes)} behind`);
  if (recovery?.replayPause && recovery.replayPause !== 'not paused') alerts.push(`replay ${recovery.replayPause}`);
  for (const slot of replication.slots) {
    if (slot.walStatus === 'lost') alerts.push(`slot ${slot.name} lost`);
    else if ((slot.retainedBytes ?? 0) > t.slotRetainedBytes) alerts.push(`slot ${slot.name} retains ${formatBytes(slot.retainedBytes)}`);
  }
  if (replication.archiver.failing) alerts.push(`archiver failing${replication.archiver.lastFailedWal ? ` at ${replication.archiver.lastFailedWal}` : ''}`);
  return alerts;
}

function vacuumAlerts(vacuum: VacuumSnapshot, t: Thresholds): string[] {
  const alerts: string[] = [];
  const oldest = vacuum.horizon[0];
  if (oldest && (oldest.ageXids > t.horizonAgeXids || (oldest.ageSeconds ?? 0) > t.horizonAgeSeconds)) {
    const age = oldest.ageSeconds !== null && oldest.ageSeconds > t.horizonAgeSeconds ? formatDuration(oldest.ageSeconds) : `${oldest.ageXids} xids`;
    alerts.push(`xmin horizon held ${age} by ${oldest.kind} ${oldest.id}`);
  }
  for (const db of vacuum.wraparound) {
    if (db.freezeFraction > t.wraparoundFreezeFraction) alerts.push(`${db.database} at ${Math.round(db.freezeFraction * 100)}% of freeze age`);
  }
  return alerts;
}
