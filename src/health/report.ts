import { sanitizeOneLine } from '../text/sanitize.js';
import { worstSeverity, type Finding, type Severity } from './types.js';

const label: Record<Severity, string> = { ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' };

export function severityLabel(severity: Severity): string {
  return label[severity];
}

/** The first line (what Nagios shows) and one line per problem; with `verbose`, the evidence, why and what to do. */
export function formatCheckReport(findings: readonly Finding[], options: { verbose?: boolean } = {}): string {
  const worst = worstSeverity(findings.map((f) => f.severity));
  const count = (severity: Severity): number => findings.filter((f) => f.severity === severity).length;
  const parts = (['critical', 'warning', 'unknown', 'ok'] as const).map((s) => `${count(s)} ${s}`);
  const lines = [`pgtop check ${label[worst]}: ${parts.join(', ')}`];
  const order: Severity[] = ['critical', 'warning', 'unknown'];
  const shown = options.verbose ? findings : findings.filter((f) => f.severity !== 'ok');
  const sorted = [...shown].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  for (const f of sorted) {
    lines.push(`${label[f.severity]} ${f.id}: ${sanitizeOneLine(f.summary)}${f.threshold ? ` [${f.threshold}]` : ''}`);
    if (!options.verbose) continue;
    for (const line of f.evidence) lines.push(`    ${sanitizeOneLine(line)}`);
    if (f.severity !== 'ok') lines.push(`    why: ${f.why}`, `    do: ${f.action}`);
  }
  return lines.join('\n');
}

/** Keeps the findings `--only` names (prefixes match: `vacuum` selects every vacuum.* id) and drops the `--skip` ones. */
export function selectFindings(findings: readonly Finding[], only: readonly string[], skip: readonly string[]): Finding[] {
  const matches = (id: string, names: readonly string[]): boolean => names.some((name) => id === name || id.startsWith(`${name}.`));
  return findings.filter((f) => (only.length === 0 || matches(f.id, only)) && !matches(f.id, skip));
}
