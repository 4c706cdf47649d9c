import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { sparkline } from '../components/sparkline.js';
import type { ColumnSpec } from './types.js';
import { poolState, type PoolColumnId, type PoolRow } from '../../store/pool-fields.js';

const percent = (ratio: number | null): string => (ratio === null ? '-' : `${Math.round(ratio * 100)}%`);

export const SPARK_WIDTH = 16;

export const poolColumns: readonly ColumnSpec<PoolRow, PoolColumnId>[] = [
  { id: 'database', title: 'DATABASE', width: 14, align: 'left', priority: 0, text: (r) => sanitizeOneLine(r.database) },
  { id: 'user', title: 'USER', width: 12, align: 'left', priority: 1, text: (r) => sanitizeOneLine(r.user) },
  { id: 'mode', title: 'MODE', width: 11, align: 'left', priority: 9, text: (r) => sanitizeOneLine(r.poolMode ?? '') },
  { id: 'clActive', title: 'CL ACT', width: 6, align: 'right', priority: 3, text: (r) => String(r.clActive) },
  { id: 'clWaiting', title: 'CL WAIT', width: 7, align: 'right', priority: 2, text: (r) => String(r.clWaiting) },
  { id: 'svActive', title: 'SV ACT', width: 6, align: 'right', priority: 3, text: (r) => String(r.svActive) },
  { id: 'svIdle', title: 'SV IDLE', width: 7, align: 'right', priority: 5, text: (r) => String(r.svIdle) },
  { id: 'svUsed', title: 'SV USED', width: 7, align: 'right', priority: 8, text: (r) => String(r.svUsed) },
  { id: 'poolSize', title: 'SIZE', width: 4, align: 'right', priority: 4, text: (r) => (r.poolSize === null ? '-' : String(r.poolSize)) },
  { id: 'utilisation', title: 'UTIL', width: 5, align: 'right', priority: 3, text: (r) => percent(r.utilisation) },
  { id: 'longestWait', title: 'MAX WAIT', width: 8, align: 'right', priority: 2, text: (r) => formatDuration(r.longestWaitSeconds) },
  { id: 'state', title: 'STATE', width: 9, align: 'left', priority: 1, text: poolState },
  { id: 'waitingTrend', title: 'WAITING CLIENTS', width: SPARK_WIDTH, align: 'left', priority: 6, text: (r) => sparkline(r.waitingHistory, SPARK_WIDTH) },
  { id: 'waitTrend', title: 'LONGEST WAIT', width: SPARK_WIDTH, align: 'left', priority: 7, flex: true, text: (r) => sparkline(r.waitHistory, SPARK_WIDTH, 0.5) },
];
