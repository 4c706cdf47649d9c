import type { Finding } from '../../health/types.js';
import { focusedFinding, healthRows } from '../../store/health.js';
import { tableRows } from '../../store/layout.js';
import { resolveSelection } from '../../store/selection.js';
import type { AppState } from '../../store/state.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit, wrap } from '../../text/width.js';
import { SEVERITY_TEXT, healthColumns } from '../columns/health-columns.js';
import { renderTable } from '../components/data-table.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

const STYLE: Record<Finding['severity'], ((s: string) => string) | undefined> = { critical: theme.error, warning: theme.warn, unknown: theme.dim, ok: undefined };

/** `2 critical, 1 warning, 14 ok`: the counts, worst first. */
export function healthCounts(findings: readonly Finding[]): string {
  const count = (severity: Finding['severity']): number => findings.filter((f) => f.severity === severity).length;
  return (['critical', 'warning', 'unknown', 'ok'] as const)
    .filter((s) => count(s) > 0)
    .map((s) => `${count(s)} ${s}`)
    .join(', ');
}

function statusLine(state: AppState, width: number): string {
  const h = state.health;
  if (h.error) return theme.error(fit(` health checks failed: ${sanitizeOneLine(h.error)}`, width));
  if (!h.findings || h.takenAt === undefined) return theme.dim(fit(' running the health checks…', width));
  return fit(` checked ${formatDuration((state.now - h.takenAt) / 1000)} ago: ${healthCounts(h.findings)}   (pgtop check runs these from cron)`, width);
}

function findingDetail(finding: Finding, width: number): string[] {
  const lines: string[] = [];
  const add = (text: string, style?: (s: string) => string): void => {
    for (const part of wrap(text, width)) lines.push(style ? style(fit(part, width)) : fit(part, width));
  };
  add(` ${SEVERITY_TEXT[finding.severity]}  ${finding.id}   Esc/Enter back   g go to it`, theme.heading);
  add(` ${sanitizeOneLine(finding.summary)}`, STYLE[finding.severity]);
  if (finding.threshold) add(` threshold: ${sanitizeOneLine(finding.threshold)}`, theme.dim);
  for (const evidence of finding.evidence) add(`   ${sanitizeOneLine(evidence)}`);
  if (finding.why) add(` why: ${finding.why}`);
  if (finding.action) add(` do: ${finding.action}`);
  return lines;
}

/** The Health view: every finding, worst first; Enter shows one in full. */
export function healthBody(state: AppState, height: number): string[] {
  const width = state.terminal.columns;
  if (state.health.detailId !== undefined) {
    const finding = focusedFinding(state);
    return padLines(finding ? findingDetail(finding, width) : [theme.warn(fit(' That finding is gone (the check passes now).  Esc goes back.', width))], height, width);
  }
  const rows = healthRows(state);
  const visible = tableRows(state, 'health');
  const selection = resolveSelection(rows.map((r) => r.id), state.health.selection, visible);
  const table = renderTable(healthColumns, rows, {
    width,
    height: visible,
    top: selection.top,
    selectedIndex: rows.length > 0 ? selection.index : undefined,
    colour: (row) => STYLE[row.severity],
  });
  return padLines([statusLine(state, width), ...table], height, width);
}
