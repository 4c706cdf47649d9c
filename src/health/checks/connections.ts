import { formatPercent } from '../../text/bytes.js';
import { finding, num, rowsOr, str } from '../finding.js';
import type { HealthInput } from '../input.js';
import { pairText, severityOf } from '../../config/health-thresholds.js';
import type { Finding } from '../types.js';

interface Limit {
  name: string;
  limit: number;
  used: number;
}

function limits(json: unknown): Limit[] {
  const parsed = JSON.parse(str(json) ?? '[]') as { name: string; limit: number; used: number }[];
  return parsed.map((entry) => ({ name: entry.name, limit: Number(entry.limit), used: Number(entry.used) }));
}

/** Connections used against what non-superusers may open, and per-role and per-database limits reached. */
export function checkConnections(input: HealthInput): Finding[] {
  const t = input.thresholds;
  const usageText = {
    why: 'when connections run out, new clients get "sorry, too many clients already" and the application fails',
    action: 'find idle and idle-in-transaction sessions to end (view 1), pool connections with PgBouncer, or raise max_connections (restart)',
    threshold: pairText('share', t.connectionsWarning, t.connectionsCritical),
  };
  const limitText = {
    why: 'a role or database at its CONNECTION LIMIT refuses every further connection of it',
    action: 'end sessions of that role or database, or raise the limit (ALTER ROLE/DATABASE … CONNECTION LIMIT n)',
    threshold: 'critical when used ≥ the limit',
  };
  const rows = rowsOr('connections.usage', input.server.connections, usageText);
  if ('missing' in rows) return [rows.missing, { ...rows.missing, id: 'connections.limits', why: limitText.why, action: limitText.action, threshold: limitText.threshold }];
  const row = rows.value[0] ?? {};
  const max = num(row.max_connections) ?? 0;
  const reserved = (num(row.superuser_reserved) ?? 0) + (num(row.reserved) ?? 0);
  const usable = Math.max(1, max - reserved);
  const used = num(row.used) ?? 0;
  const share = used / usable;
  const evidence = [`${used} client connections of ${usable} usable (max_connections ${max} − ${reserved} reserved)`];
  const findings = [finding('connections.usage', severityOf(share, t.connectionsWarning, t.connectionsCritical), `${used}/${usable} connections in use (${formatPercent(share)})`, usageText, evidence, { kind: 'view', view: 'sessions' })];
  const full = [...limits(row.roles).map((l) => ({ ...l, kind: 'role' })), ...limits(row.databases).map((l) => ({ ...l, kind: 'database' }))].filter((l) => l.used >= l.limit);
  findings.push(
    full.length === 0
      ? finding('connections.limits', 'ok', 'no role or database is at its connection limit', limitText)
      : finding('connections.limits', 'critical', `${full.length} connection limit(s) reached`, limitText, full.map((l) => `${l.kind} ${l.name}: ${l.used} of ${l.limit} connections`)),
  );
  return findings;
}
