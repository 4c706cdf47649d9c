/** ok < warning < critical; unknown: the check could not run (privilege, version, deadline, unreachable). */
export type Severity = 'ok' | 'warning' | 'critical' | 'unknown';

/** Where a finding points on screen: the key that goes there acts on this. */
export type FindingTarget =
  | { kind: 'session'; pid: number }
  | { kind: 'pool'; database: string; user: string }
  | { kind: 'slot'; name: string }
  | { kind: 'view'; view: 'sessions' | 'locks' | 'pools' | 'migrations' | 'backups' | 'statements' | 'replication' | 'vacuum' };

/** One result of one check. A check yields one `ok` finding when it found nothing wrong. */
export interface Finding {
  /** Stable id, e.g. `connections.usage`: what `--only` and `--skip` name. */
  id: string;
  severity: Severity;
  /** One line: what was found. */
  summary: string;
  /** The numbers and names behind it. */
  evidence: string[];
  /** Why it matters, in one sentence. */
  why: string;
  /** What to do. */
  action: string;
  /** The threshold that produced the severity, as printed beside it. */
  threshold: string;
  target?: FindingTarget;
}

/** What the checks are about: every id, with the one sentence shown when all is well. */
export interface CheckDefinition {
  id: string;
  title: string;
  why: string;
}

const rank: Record<Severity, number> = { ok: 0, unknown: 1, warning: 2, critical: 3 };

/** The worst severity: critical over warning over unknown over ok (a known problem outranks a check that could not run). */
export function worstSeverity(severities: Iterable<Severity>): Severity {
  let worst: Severity = 'ok';
  for (const severity of severities) if (rank[severity] > rank[worst]) worst = severity;
  return worst;
}

/** The monitoring-plugin exit code (Nagios, Icinga, check_pgactivity): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
export function exitCodeFor(severity: Severity): number {
  return { ok: 0, warning: 1, critical: 2, unknown: 3 }[severity];
}
