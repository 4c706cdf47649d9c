import { historyFindings } from '../../migrate/history/findings.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { finding, rowsOr, type FindingText } from '../finding.js';
import type { HealthInput } from '../input.js';
import type { Finding } from '../types.js';

const TEXT: FindingText = {
  why: 'Flyway refuses to migrate after a failed migration, and golang-migrate after a dirty version, until someone repairs it: the next deploy stops, and the schema may be half-changed now',
  action: 'check the schema against the migration by hand, then `flyway repair` (Flyway) or `migrate force VERSION` (golang-migrate); pgtop migrate history lists every row',
  threshold: 'critical for a failed Flyway migration or a dirty golang-migrate version',
};

/** Other tools' history tables (Flyway, golang-migrate, …): a failed or dirty migration recorded there. */
export function checkToolHistories(input: HealthInput): Finding[] {
  const read = rowsOr('migrations.history', input.histories, TEXT);
  if ('missing' in read) return [read.missing];
  const histories = read.value;
  const problems = historyFindings(histories);
  if (problems.length === 0) {
    const tables = histories.map((history) => `${history.tool} (${sanitizeOneLine(history.table)})`);
    const summary = tables.length === 0 ? "no other tool's migration history in this database" : `no failed or dirty migration in ${tables.join(', ')}`;
    return [finding('migrations.history', 'ok', summary, TEXT)];
  }
  const worst = problems.some((problem) => problem.severity === 'critical') ? 'critical' : 'warning';
  const first = problems[0];
  const summary = problems.length === 1 && first ? `${first.tool} ${sanitizeOneLine(first.version)} ${first.tool === 'flyway' ? 'failed' : 'dirty'} in ${sanitizeOneLine(first.table)}` : `${problems.length} failed or dirty migrations in other tools' history`;
  return [finding('migrations.history', worst, summary, TEXT, problems.slice(0, 10).map((problem) => sanitizeOneLine(problem.message)))];
}
