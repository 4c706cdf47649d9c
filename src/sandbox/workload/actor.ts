import type { WorkloadTimings } from './timings.js';

/** What every loop of the workload gets: the stop signal, the timings, and a source of randomness. */
export interface ActorContext {
  /** Aborted when the workload stops: every loop ends, every pause is cut short. */
  signal: AbortSignal;
  timings: WorkloadTimings;
  random: () => number;
}

/** A whole number from `min` to `max`, both included. */
export function pick(context: ActorContext, min: number, max: number): number {
  return min + Math.floor(context.random() * (max - min + 1));
}
