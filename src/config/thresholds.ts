/**
 * Where "something is wrong" starts, for the header's warning line and any later check of the same things.
 * Bytes are bytes, ages are seconds or transactions, fractions are 0..1.
 */
export interface Thresholds {
  /** A standby further behind than this, in WAL bytes (replay position) … */
  standbyLagBytes: number;
  /** … or in replay time. */
  standbyLagSeconds: number;
  /** A replication slot keeping more WAL than this. */
  slotRetainedBytes: number;
  /** The oldest holder of the xmin horizon, in transactions … */
  horizonAgeXids: number;
  /** … or in time held. */
  horizonAgeSeconds: number;
  /** A database's age(datfrozenxid) above this fraction of autovacuum_freeze_max_age. */
  wraparoundFreezeFraction: number;
}

const GiB = 1024 ** 3;

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  standbyLagBytes: GiB,
  standbyLagSeconds: 300,
  slotRetainedBytes: 10 * GiB,
  horizonAgeXids: 50_000_000,
  horizonAgeSeconds: 3600,
  wraparoundFreezeFraction: 0.5,
});
