/** When each part of the workload acts. Milliseconds unless the name says otherwise. */
export interface WorkloadTimings {
  /** Pause between two fast queries of one session: [min, max]. */
  fastPauseMs: [number, number];
  firstReportMs: number;
  /** How long a report's pg_sleep lasts: [min, max] seconds. */
  reportSeconds: [number, number];
  /** Pause between two reports: [min, max]. */
  reportGapMs: [number, number];
  /** How long `billing-batch` stays idle in its transaction before it commits and opens the next one. */
  idleTransactionMs: number;
  firstLockChainMs: number;
  /** A lock chain forms once per period… */
  lockChainPeriodMs: number;
  /** …and lasts this long before its root commits. */
  lockChainHoldMs: number;
  firstBurstMs: number;
  burstPeriodMs: number;
  /** How many clients a burst sends at once, each running pg_sleep(burstSleepSeconds). */
  burstClients: number;
  burstSleepSeconds: number;
}

export const defaultTimings: WorkloadTimings = {
  fastPauseMs: [50, 200],
  firstReportMs: 1000,
  reportSeconds: [5, 20],
  reportGapMs: [5000, 10_000],
  idleTransactionMs: 120_000,
  firstLockChainMs: 3000,
  lockChainPeriodMs: 60_000,
  lockChainHoldMs: 25_000,
  firstBurstMs: 6000,
  burstPeriodMs: 30_000,
  burstClients: 8,
  burstSleepSeconds: 3,
};
