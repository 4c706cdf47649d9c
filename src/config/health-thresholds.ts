/**
 * The thresholds of the health checks, with defaults a DBA would accept. Durations are seconds, sizes
 * bytes, shares 0..1. Every one can be changed by `--threshold NAME=VALUE` (and by configuration).
 */
export interface Thresholds {
  connectionsWarning: number;
  connectionsCritical: number;
  idleInTransactionWarning: number;
  idleInTransactionCritical: number;
  longQueryWarning: number;
  longQueryCritical: number;
  /** Sessions queued behind a waiter that itself blocks others: critical from this length on. */
  lockQueueCritical: number;
  poolWaitWarning: number;
  poolWaitCritical: number;
  clientConnWarning: number;
  clientConnCritical: number;
  replicationLagWarning: number;
  replicationLagCritical: number;
  /** WAL not yet replayed by a standby (a paused or stuck replay reports no lag in time). */
  replicationLagBytesWarning: number;
  replicationLagBytesCritical: number;
  slotRetainedWarning: number;
  slotRetainedCritical: number;
  xminHorizonWarning: number;
  xminHorizonCritical: number;
  /** Share of autovacuum_freeze_max_age. */
  wraparoundWarning: number;
  /** Share of the 2^31 limit. */
  wraparoundCritical: number;
  deadTuplesWarning: number;
  sequenceWarning: number;
  sequenceCritical: number;
  backupAgeWarning: number;
  backupAgeCritical: number;
  /** Requested checkpoints as a share of all checkpoints. */
  checkpointsRequestedWarning: number;
}

type Unit = 'share' | 'seconds' | 'bytes' | 'count';

interface ThresholdSpec {
  key: keyof Thresholds;
  unit: Unit;
  default: number;
}

const specs: Record<string, ThresholdSpec> = {
  connections_warning: { key: 'connectionsWarning', unit: 'share', default: 0.8 },
  connections_critical: { key: 'connectionsCritical', unit: 'share', default: 0.95 },
  idle_in_transaction_warning: { key: 'idleInTransactionWarning', unit: 'seconds', default: 5 * 60 },
  idle_in_transaction_critical: { key: 'idleInTransactionCritical', unit: 'seconds', default: 30 * 60 },
  long_query_warning: { key: 'longQueryWarning', unit: 'seconds', default: 5 * 60 },
  long_query_critical: { key: 'longQueryCritical', unit: 'seconds', default: 30 * 60 },
  lock_queue_critical: { key: 'lockQueueCritical', unit: 'count', default: 5 },
  pool_wait_warning: { key: 'poolWaitWarning', unit: 'seconds', default: 1 },
  pool_wait_critical: { key: 'poolWaitCritical', unit: 'seconds', default: 10 },
  client_conn_warning: { key: 'clientConnWarning', unit: 'share', default: 0.8 },
  client_conn_critical: { key: 'clientConnCritical', unit: 'share', default: 0.95 },
  replication_lag_warning: { key: 'replicationLagWarning', unit: 'seconds', default: 60 },
  replication_lag_critical: { key: 'replicationLagCritical', unit: 'seconds', default: 10 * 60 },
  replication_lag_bytes_warning: { key: 'replicationLagBytesWarning', unit: 'bytes', default: 1024 ** 3 },
  replication_lag_bytes_critical: { key: 'replicationLagBytesCritical', unit: 'bytes', default: 10 * 1024 ** 3 },
  slot_retained_warning: { key: 'slotRetainedWarning', unit: 'bytes', default: 1024 ** 3 },
  slot_retained_critical: { key: 'slotRetainedCritical', unit: 'bytes', default: 10 * 1024 ** 3 },
  xmin_horizon_warning: { key: 'xminHorizonWarning', unit: 'seconds', default: 60 * 60 },
  xmin_horizon_critical: { key: 'xminHorizonCritical', unit: 'seconds', default: 6 * 60 * 60 },
  wraparound_warning: { key: 'wraparoundWarning', unit: 'share', default: 0.5 },
  wraparound_critical: { key: 'wraparoundCritical', unit: 'share', default: 0.5 },
  dead_tuples_warning: { key: 'deadTuplesWarning', unit: 'count', default: 100_000 },
  sequence_warning: { key: 'sequenceWarning', unit: 'share', default: 0.8 },
  sequence_critical: { key: 'sequenceCritical', unit: 'share', default: 0.95 },
  backup_age_warning: { key: 'backupAgeWarning', unit: 'seconds', default: 26 * 60 * 60 },
  backup_age_critical: { key: 'backupAgeCritical', unit: 'seconds', default: 50 * 60 * 60 },
  checkpoints_requested_warning: { key: 'checkpointsRequestedWarning', unit: 'share', default: 0.5 },
};

export const THRESHOLD_NAMES = Object.keys(specs);

export function defaultThresholds(): Thresholds {
  const thresholds = {} as Thresholds;
  for (const spec of Object.values(specs)) thresholds[spec.key] = spec.default;
  return thresholds;
}

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, sec: 1, min: 60, m: 60, h: 3600, d: 86400 };
const sizeUnits: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3, tb: 1024 ** 4, tib: 1024 ** 4 };

function parseValue(unit: Unit, raw: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z%]*)$/i.exec(raw.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = (match[2] ?? '').toLowerCase();
  if (unit === 'share') {
    if (suffix === '%') return number <= 100 ? number / 100 : undefined;
    return suffix === '' && number <= 1 ? number : undefined;
  }
  if (unit === 'seconds') {
    const factor = suffix === '' ? 1 : durationUnits[suffix];
    return factor === undefined ? undefined : number * factor;
  }
  if (unit === 'bytes') {
    const factor = suffix === '' ? 1 : sizeUnits[suffix];
    return factor === undefined ? undefined : number * factor;
  }
  return suffix === '' && Number.isInteger(number) ? number : undefined;
}

const unitHelp: Record<Unit, string> = {
  share: 'a percentage such as 80% (or a share such as 0.8)',
  seconds: 'a duration such as 90s, 5min, 2h or 1d',
  bytes: 'a size such as 512MB or 2GiB',
  count: 'a whole number',
};

/** Applies `NAME=VALUE` overrides; an unknown name or a bad value is an error naming what is expected. */
export function applyThresholdOverrides(base: Thresholds, overrides: readonly string[]): Thresholds {
  const result = { ...base };
  for (const override of overrides) {
    const eq = override.indexOf('=');
    const name = (eq < 0 ? override : override.slice(0, eq)).trim().replace(/-/g, '_');
    const spec = specs[name];
    if (!spec) throw new Error(`unknown threshold "${name}"; known: ${THRESHOLD_NAMES.join(', ')}`);
    const value = eq < 0 ? undefined : parseValue(spec.unit, override.slice(eq + 1));
    if (value === undefined) throw new Error(`threshold ${name} needs ${unitHelp[spec.unit]}, e.g. ${name}=${formatThreshold(spec.unit, spec.default)}`);
    result[spec.key] = value;
  }
  return result;
}

export function formatThreshold(unit: Unit, value: number): string {
  if (unit === 'share') return `${Math.round(value * 1000) / 10}%`;
  if (unit === 'seconds') {
    if (value % 86400 === 0) return `${value / 86400}d`;
    if (value % 3600 === 0) return `${value / 3600}h`;
    if (value % 60 === 0) return `${value / 60}min`;
    return `${value}s`;
  }
  if (unit === 'bytes') {
    if (value % 1024 ** 3 === 0) return `${value / 1024 ** 3}GiB`;
    if (value % 1024 ** 2 === 0) return `${value / 1024 ** 2}MiB`;
    if (value % 1024 === 0) return `${value / 1024}KiB`;
    return `${value}B`;
  }
  return String(value);
}

/** Every threshold with its value, as `name=value` (for --help, `check --json` and the README). */
export function describeThresholds(thresholds: Thresholds): Record<string, string> {
  const described: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) described[name] = formatThreshold(spec.unit, thresholds[spec.key]);
  return described;
}

/** `warning ≥ X, critical ≥ Y` for two thresholds of the same unit. */
export function pairText(unit: Unit, warning: number, critical: number): string {
  return `warning ≥ ${formatThreshold(unit, warning)}, critical ≥ ${formatThreshold(unit, critical)}`;
}

export function severityOf(value: number, warning: number, critical: number): 'ok' | 'warning' | 'critical' {
  if (value >= critical) return 'critical';
  if (value >= warning) return 'warning';
  return 'ok';
}
