import { formatPercent } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { finding, type FindingText } from '../finding.js';
import type { HealthInput } from '../input.js';
import { pairText, severityOf } from '../../config/health-thresholds.js';
import type { Finding } from '../types.js';

/** PgBouncer: reachable, pools not saturated, clients not waiting long, client connections below max_client_conn. */
export function checkPools(input: HealthInput): Finding[] {
  const tick = input.pgbouncer;
  if (!tick) return [];
  const t = input.thresholds;
  const reachText: FindingText = {
    why: 'every client that connects through PgBouncer fails while it is down',
    action: 'check the pgbouncer service and its log; pgtop retries by itself',
    threshold: 'critical when the admin console does not answer',
  };
  const poolText: FindingText = {
    why: 'clients of a saturated pool wait for a server connection: the application sees latency, then timeouts',
    action: 'look at what the pool\'s servers run (view 3, then the sessions); raise pool_size only if the server has room',
    threshold: `${pairText('seconds', t.poolWaitWarning, t.poolWaitCritical)} of the longest client wait; a saturated pool is a warning`,
  };
  const connText: FindingText = {
    why: 'past max_client_conn PgBouncer refuses new clients',
    action: 'find the application that opens too many client connections, or raise max_client_conn',
    threshold: pairText('share', t.clientConnWarning, t.clientConnCritical),
  };
  if (tick.status !== 'ok') {
    const reason = tick.status === 'error' ? sanitizeOneLine(tick.error.message) : 'the poll did not finish';
    return [finding('pgbouncer.reachable', 'critical', `PgBouncer does not answer: ${reason}`, reachText, [], { kind: 'view', view: 'pools' })];
  }
  const snapshot = tick.snapshot;
  const findings = [finding('pgbouncer.reachable', 'ok', `${sanitizeOneLine(snapshot.version.text)} answers`, reachText)];
  const troubled = snapshot.pools
    .map((pool) => {
      let severity = severityOf(pool.longestWaitSeconds, t.poolWaitWarning, t.poolWaitCritical);
      if (severity === 'ok' && pool.saturated) severity = 'warning';
      return { pool, severity };
    })
    .filter((entry) => entry.severity !== 'ok')
    .sort((a, b) => b.pool.longestWaitSeconds - a.pool.longestWaitSeconds);
  if (troubled.length === 0) {
    findings.push(finding('pgbouncer.pools', 'ok', `${snapshot.pools.length} pool(s), none saturated`, poolText));
  } else {
    const first = troubled[0]!.pool;
    findings.push(
      finding(
        'pgbouncer.pools',
        troubled.some((e) => e.severity === 'critical') ? 'critical' : 'warning',
        `${troubled.length} pool(s) with waiting clients, longest wait ${formatDuration(first.longestWaitSeconds)}`,
        poolText,
        troubled.slice(0, 10).map(({ pool }) =>
          `${sanitizeOneLine(pool.database)}/${sanitizeOneLine(pool.user)}: ${pool.clWaiting} waiting, ${pool.svActive} of ${pool.poolSize ?? '?'} servers active, longest wait ${formatDuration(pool.longestWaitSeconds)}${pool.saturated ? ', saturated' : ''}`,
        ),
        { kind: 'pool', database: first.database, user: first.user },
      ),
    );
  }
  const max = snapshot.config?.maxClientConn ?? null;
  if (max === null || max <= 0) {
    findings.push(finding('pgbouncer.clients', 'unknown', 'cannot check: SHOW CONFIG did not give max_client_conn', connText));
  } else {
    const used = snapshot.clients.length;
    const share = used / max;
    findings.push(finding('pgbouncer.clients', severityOf(share, t.clientConnWarning, t.clientConnCritical), `${used}/${max} client connections (${formatPercent(share)})`, connText));
  }
  return findings;
}
