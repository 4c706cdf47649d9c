import type { HistoryFinding, ToolHistory } from './types.js';

/**
 * What the health checks report from other tools' histories: a failed Flyway migration (Flyway refuses
 * to migrate until it is repaired) and a dirty golang-migrate version (migrate refuses until forced).
 */
export function historyFindings(histories: readonly ToolHistory[]): HistoryFinding[] {
  const findings: HistoryFinding[] = [];
  for (const history of histories) {
    for (const entry of history.entries) {
      if (history.tool === 'flyway' && entry.success === false) {
        findings.push({
          severity: 'critical',
          tool: 'flyway',
          table: history.table,
          version: entry.version,
          message: `Flyway migration ${entry.version}${entry.description ? ` (${entry.description})` : ''} failed and is recorded in ${history.table}: Flyway will not migrate until it is fixed and \`flyway repair\` removes the row.`,
        });
      }
      if (history.tool === 'golang-migrate' && entry.dirty === true) {
        findings.push({
          severity: 'critical',
          tool: 'golang-migrate',
          table: history.table,
          version: entry.version,
          message: `golang-migrate version ${entry.version} is dirty in ${history.table}: a migration started and did not finish. Check the schema by hand, then \`migrate force\` the version it is really at.`,
        });
      }
    }
  }
  return findings;
}
