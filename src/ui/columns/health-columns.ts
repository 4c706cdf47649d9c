import type { Finding } from '../../health/types.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import type { ColumnSpec } from './types.js';

export type HealthColumnId = 'severity' | 'id' | 'summary' | 'threshold';

/** Severity in words too: a warning must read as one without colour. */
export const SEVERITY_TEXT: Record<Finding['severity'], string> = { critical: '✗ CRIT', warning: '! WARN', unknown: '? UNKN', ok: '✓ ok' };

export const healthColumns: readonly ColumnSpec<Finding, HealthColumnId>[] = [
  { id: 'severity', title: 'SEV', width: 6, align: 'left', priority: 0, text: (f) => SEVERITY_TEXT[f.severity] },
  { id: 'id', title: 'CHECK', width: 28, align: 'left', priority: 1, text: (f) => f.id },
  { id: 'summary', title: 'FINDING', width: 30, align: 'left', priority: 0, flex: true, text: (f) => sanitizeOneLine(f.summary) },
  { id: 'threshold', title: 'THRESHOLD', width: 44, align: 'left', priority: 2, text: (f) => sanitizeOneLine(f.threshold) },
];
