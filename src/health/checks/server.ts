import { formatPercent } from '../../text/bytes.js';
import { finding, num, rowsOr, type FindingText } from '../finding.js';
import type { HealthInput } from '../input.js';
import { formatThreshold } from '../../config/health-thresholds.js';
import type { Finding } from '../types.js';

/** pg_stat_statements preloaded and installed in the connected database (a warning when not: it is how you find costly queries). */
export function checkStatementsExtension(input: HealthInput): Finding[] {
  const text: FindingText = {
    why: 'without pg_stat_statements there is no record of which queries cost the most',
    action: "add pg_stat_statements to shared_preload_libraries (restart), then CREATE EXTENSION pg_stat_statements in this database",
    threshold: 'warning when not preloaded or not installed',
  };
  const rows = rowsOr('server.pg_stat_statements', input.server.statements, text);
  if ('missing' in rows) return [rows.missing];
  const row = rows.value[0] ?? {};
  if (row.preloaded === true && row.installed === true) return [finding('server.pg_stat_statements', 'ok', 'pg_stat_statements is preloaded and installed', text)];
  const missing = [row.preloaded === true ? null : 'not in shared_preload_libraries', row.installed === true ? null : 'the extension is not created in this database'].filter(Boolean) as string[];
  return [finding('server.pg_stat_statements', 'warning', `pg_stat_statements: ${missing.join('; ')}`, text, [], { kind: 'view', view: 'statements' })];
}

/** Checkpoints requested (WAL volume reached max_wal_size) far more often than timed ones. */
export function checkCheckpoints(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const text: FindingText = {
    why: 'checkpoints forced by WAL volume come in bursts of I/O and full-page writes that slow every write',
    action: 'raise max_wal_size so that most checkpoints are timed (checkpoint_timeout)',
    threshold: `warning when requested checkpoints are ≥ ${formatThreshold('share', t.checkpointsRequestedWarning)} of at least 10`,
  };
  const rows = rowsOr('server.checkpoints', input.server.checkpoints, text);
  if ('missing' in rows) return [rows.missing];
  const row = rows.value[0] ?? {};
  const timed = num(row.timed) ?? 0;
  const requested = num(row.requested) ?? 0;
  const total = timed + requested;
  const share = total > 0 ? requested / total : 0;
  const summary = `${requested} requested and ${timed} timed checkpoints since the statistics were reset`;
  if (total < 10 || share < t.checkpointsRequestedWarning) return [finding('server.checkpoints', 'ok', summary, text)];
  return [finding('server.checkpoints', 'warning', `${formatPercent(share)} of checkpoints were requested, not timed`, text, [summary])];
}
