import type { PoolFigures } from '../../sources/pgbouncer-model.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { sparkline } from '../components/sparkline.js';
import type { ColumnSpec } from './types.js';

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

const percent = (ratio: number | null): string => (ratio === null ? '-' : `${Math.round(ratio * 100)}%`);

export function poolState(row: PoolRow): string {
  if (row.disabled) return 'disabled';
  if (row.paused) return 'paused';
  if (row.saturated) return 'SATURATED';
  return '';
}

export const SPARK_WIDTH = 16;

export const poolColumns: readonly ColumnSpec<PoolRow, PoolColumnId>[] = [
  { id: 'database', title: 'DATABASE', aliases: ['db'], width: 14, align: 'left', priority: 0, sortValue: (r) => r.database, text: (r) => sanitizeOneLine(r.database) },
  { id: 'user', title: 'USER', width: 12, align: 'left', priority: 1, sortValue: (r) => r.user, text: (r) => sanitizeOneLine(r.user) },
  { id: 'mode', title: 'MODE', width: 11, align: 'left', priority: 9, sortValue: (r) => r.poolMode, text: (r) => sanitizeOneLine(r.poolMode ?? '') },
  { id: 'clActive', title: 'CL ACT', width: 6, align: 'right', priority: 3, sortValue: (r) => r.clActive, text: (r) => String(r.clActive) },
  { id: 'clWaiting', title: 'CL WAIT', width: 7, align: 'right', priority: 2, sortValue: (r) => r.clWaiting, text: (r) => String(r.clWaiting) },
  { id: 'svActive', title: 'SV ACT', width: 6, align: 'right', priority: 3, sortValue: (r) => r.svActive, text: (r) => String(r.svActive) },
  { id: 'svIdle', title: 'SV IDLE', width: 7, align: 'right', priority: 5, sortValue: (r) => r.svIdle, text: (r) => String(r.svIdle) },
  { id: 'svUsed', title: 'SV USED', width: 7, align: 'right', priority: 8, sortValue: (r) => r.svUsed, text: (r) => String(r.svUsed) },
  { id: 'poolSize', title: 'SIZE', width: 4, align: 'right', priority: 4, sortValue: (r) => r.poolSize, text: (r) => (r.poolSize === null ? '-' : String(r.poolSize)) },
  { id: 'utilisation', title: 'UTIL', width: 5, align: 'right', priority: 3, sortValue: (r) => r.utilisation, text: (r) => percent(r.utilisation) },
  { id: 'longestWait', title: 'MAX WAIT', width: 8, align: 'right', priority: 2, sortValue: (r) => r.longestWaitSeconds, text: (r) => formatDuration(r.longestWaitSeconds) },
  { id: 'state', title: 'STATE', width: 9, align: 'left', priority: 1, sortValue: (r) => poolState(r) || null, text: poolState },
  { id: 'waitingTrend', title: 'WAITING CLIENTS', width: SPARK_WIDTH, align: 'left', priority: 6, sortValue: (r) => r.clWaiting, text: (r) => sparkline(r.waitingHistory, SPARK_WIDTH) },
  { id: 'waitTrend', title: 'LONGEST WAIT', width: SPARK_WIDTH, align: 'left', priority: 7, flex: true, sortValue: (r) => r.longestWaitSeconds, text: (r) => sparkline(r.waitHistory, SPARK_WIDTH, 0.5) },
];
