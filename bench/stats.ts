/** Small statistics for timings and samples. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);
export const p95 = (values: readonly number[]): number => quantile(values, 0.95);

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Least-squares slope of y over x. */
export function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = mean(points.map((p) => p.x));
  const my = mean(points.map((p) => p.y));
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export interface GrowthVerdict {
  first: number;
  middle: number;
  last: number;
  /** Least-squares slope per 1,000 ticks, over the samples after the first tenth (warm-up). */
  slopePer1000: number;
  /** The medians of the middle and the last third of the samples. */
  middleThirdMedian: number;
  lastThirdMedian: number;
  growing: boolean;
}

/**
 * Whether memory keeps growing. Samples after a garbage collection still swing (the heap's free space is
 * given back to the system now and then), so the medians of the middle and the last third are compared:
 * memory that has settled stays level between them, a leak climbs by more than `toleranceMb`.
 */
export function growth(samples: readonly { tick: number; mb: number }[], toleranceMb: number): GrowthVerdict {
  const values = samples.map((s) => s.mb);
  const third = Math.max(1, Math.floor(values.length / 3));
  const middleThirdMedian = median(values.slice(third, 2 * third));
  const lastThirdMedian = median(values.slice(values.length - third));
  const settled = samples.slice(Math.floor(samples.length / 10)).map((s) => ({ x: s.tick, y: s.mb }));
  return {
    first: values[0] ?? Number.NaN,
    middle: values[Math.floor(values.length / 2)] ?? Number.NaN,
    last: values[values.length - 1] ?? Number.NaN,
    slopePer1000: slope(settled) * 1000,
    middleThirdMedian,
    lastThirdMedian,
    growing: values.length >= 3 && lastThirdMedian - middleThirdMedian > toleranceMb,
  };
}

export const round = (value: number, digits = 2): number => {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
