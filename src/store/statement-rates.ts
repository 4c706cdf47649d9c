import { COUNTER_COLUMNS } from '../sources/statements/sql.js';
import type { CounterName, StatementCounters, StatementEntry, StatementsSnapshot } from '../sources/statements/types.js';

export type CounterDeltas = Record<CounterName, number | null>;

/** How an entry's figures over the interval were obtained. */
export type RateBasis =
  /** Both fetches saw the entry: the difference of its counters. */
  | 'interval'
  /** The entry appeared, or its counters went down (evicted and re-created, or reset): all it holds is recent. */
  | 'restarted'
  /** The first fetch: no interval yet, rates are null. */
  | 'first';

export interface StatementRate {
  entry: StatementEntry;
  basis: RateBasis;
  /** What happened in the interval (null on the first fetch). */
  delta: CounterDeltas | null;
  callsPerSecond: number | null;
  execMsPerSecond: number | null;
  /** This entry's execution time as a share (0..1) of every entry's over the interval. */
  timeShare: number | null;
  meanMs: number | null;
  rowsPerCall: number | null;
  hitPerCall: number | null;
  readPerCall: number | null;
  tempBlksPerSecond: number | null;
  walBytesPerSecond: number | null;
  planMsPerSecond: number | null;
}

export interface StatementRates {
  takenAt: string;
  /** Seconds the rates are computed over; null on the first fetch. */
  intervalSeconds: number | null;
  /** Set when all statistics were reset since the previous fetch (stats_reset moved): rates restart from it. */
  resetAt: string | null;
  /** Entries evicted since the previous fetch (pg_stat_statements_info.dealloc), when known. */
  evicted: number | null;
  /** Entries of the previous fetch that are gone (evicted or reset): their rates ended. */
  vanished: number;
  rows: StatementRate[];
}

const COUNTERS = Object.keys(COUNTER_COLUMNS) as CounterName[];

function subtract(current: StatementCounters, previous: StatementCounters | null): CounterDeltas {
  const delta = {} as CounterDeltas;
  for (const name of COUNTERS) {
    const now = current[name];
    const before = previous ? previous[name] : 0;
    delta[name] = now === null ? null : Math.max(0, now - (before ?? 0));
  }
  return delta;
}

/** A counter went down: the entry was reset or evicted and created again since the previous fetch. */
function wentDown(current: StatementCounters, previous: StatementCounters): boolean {
  return COUNTERS.some((name) => {
    const now = current[name];
    const before = previous[name];
    return now !== null && before !== null && now < before;
  });
}

const perSecond = (value: number | null, seconds: number | null): number | null =>
  value === null || seconds === null || seconds <= 0 ? null : value / seconds;
const perCall = (value: number | null, calls: number | null): number | null => (value === null || !calls ? null : value / calls);
const sumOrNull = (a: number | null, b: number | null): number | null => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));

function rateOf(entry: StatementEntry, basis: RateBasis, delta: CounterDeltas | null, seconds: number | null, totalExecMs: number): StatementRate {
  return {
    entry,
    basis,
    delta,
    callsPerSecond: perSecond(delta?.calls ?? null, seconds),
    execMsPerSecond: perSecond(delta?.totalExecMs ?? null, seconds),
    timeShare: delta && totalExecMs > 0 ? (delta.totalExecMs ?? 0) / totalExecMs : null,
    meanMs: perCall(delta?.totalExecMs ?? null, delta?.calls ?? null),
    rowsPerCall: perCall(delta?.rows ?? null, delta?.calls ?? null),
    hitPerCall: perCall(delta?.sharedBlksHit ?? null, delta?.calls ?? null),
    readPerCall: perCall(delta?.sharedBlksRead ?? null, delta?.calls ?? null),
    tempBlksPerSecond: perSecond(delta ? sumOrNull(delta.tempBlksRead, delta.tempBlksWritten) : null, seconds),
    walBytesPerSecond: perSecond(delta?.walBytes ?? null, seconds),
    planMsPerSecond: perSecond(delta?.totalPlanMs ?? null, seconds),
  };
}

const seconds = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;

/**
 * Rates over the interval between two fetches. Never negative: an entry that vanished ends its rate; one
 * that appeared or whose counters went down counts everything it holds as recent; a full reset (stats_reset
 * moved) restarts every rate from the reset time.
 */
export function computeStatementRates(previous: StatementsSnapshot | undefined, current: StatementsSnapshot): StatementRates {
  const resetAt = previous && current.statsReset !== null && current.statsReset !== previous.statsReset ? current.statsReset : null;
  let interval = previous ? seconds(previous.takenAt, current.takenAt) : null;
  if (interval !== null && resetAt !== null) interval = Math.min(interval, Math.max(0.001, seconds(resetAt, current.takenAt)));
  const before = new Map(previous && resetAt === null ? previous.entries.map((e) => [e.key, e] as const) : []);

  const staged = current.entries.map((entry) => {
    if (!previous) return { entry, basis: 'first' as const, delta: null };
    const old = before.get(entry.key);
    const restarted = !old || wentDown(entry.counters, old.counters) || (old.statsSince !== null && entry.statsSince !== old.statsSince);
    return { entry, basis: restarted ? ('restarted' as const) : ('interval' as const), delta: subtract(entry.counters, restarted ? null : old.counters) };
  });
  const totalExecMs = staged.reduce((sum, row) => sum + (row.delta?.totalExecMs ?? 0), 0);
  const currentKeys = new Set(current.entries.map((e) => e.key));
  return {
    takenAt: current.takenAt,
    intervalSeconds: interval,
    resetAt,
    evicted: previous && previous.dealloc !== null && current.dealloc !== null && resetAt === null ? Math.max(0, current.dealloc - previous.dealloc) : null,
    vanished: previous ? previous.entries.filter((e) => !currentKeys.has(e.key)).length : 0,
    rows: staged.map((row) => rateOf(row.entry, row.basis, row.delta, interval, totalExecMs)),
  };
}
