import type { PoolFigures } from '../sources/pgbouncer-model.js';
import type { FieldSpec } from './fields.js';

/** A pool as the Pools view lists it: the derived figures, its database's state, its history. */
export interface PoolRow extends PoolFigures {
  key: string;
  paused: boolean;
  disabled: boolean;
  waitingHistory: number[];
  waitHistory: number[];
}

export type PoolColumnId =
  | 'database'
  | 'user'
  | 'mode'
  | 'clActive'
  | 'clWaiting'
  | 'svActive'
  | 'svIdle'
  | 'svUsed'
  | 'poolSize'
  | 'utilisation'
  | 'longestWait'
  | 'state'
  | 'waitingTrend'
  | 'waitTrend';

export function poolState(row: PoolRow): string {
  if (row.disabled) return 'disabled';
  if (row.paused) return 'paused';
  if (row.saturated) return 'SATURATED';
  return '';
}

/** The Pools view's fields in display order. */
export const poolFields: readonly FieldSpec<PoolRow, PoolColumnId>[] = [
  { id: 'database', names: ['db', 'database'], sortValue: (r) => r.database },
  { id: 'user', names: ['user'], sortValue: (r) => r.user },
  { id: 'mode', names: ['mode'], sortValue: (r) => r.poolMode },
  { id: 'clActive', names: ['cl act'], sortValue: (r) => r.clActive },
  { id: 'clWaiting', names: ['cl wait'], sortValue: (r) => r.clWaiting },
  { id: 'svActive', names: ['sv act'], sortValue: (r) => r.svActive },
  { id: 'svIdle', names: ['sv idle'], sortValue: (r) => r.svIdle },
  { id: 'svUsed', names: ['sv used'], sortValue: (r) => r.svUsed },
  { id: 'poolSize', names: ['size'], sortValue: (r) => r.poolSize },
  { id: 'utilisation', names: ['util'], sortValue: (r) => r.utilisation },
  { id: 'longestWait', names: ['max wait'], sortValue: (r) => r.longestWaitSeconds },
  { id: 'state', names: ['state'], sortValue: (r) => poolState(r) || null },
  { id: 'waitingTrend', names: ['waiting clients'], sortValue: (r) => r.clWaiting },
  { id: 'waitTrend', names: ['longest wait'], sortValue: (r) => r.longestWaitSeconds },
];
