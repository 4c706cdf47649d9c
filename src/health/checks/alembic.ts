import { sanitizeOneLine } from '../../text/sanitize.js';
import { finding, type FindingText } from '../finding.js';
import type { HealthInput } from '../input.js';
import type { Finding, Severity } from '../types.js';

/** Refusals that say something about the database's state; the others only matter to a run. */
const SEVERITY_OF_REFUSAL: Record<string, Severity | undefined> = { dirty: 'critical', 'unknown-revision': 'warning', graph: 'warning' };

/** An Alembic project's revisions against alembic_version: dirty is critical; unknown revision and pending are warnings. */
export function checkAlembicMigrations(input: HealthInput): Finding[] {
  const piece = input.alembic;
  if (!piece) return [];
  const text: FindingText = {
    why: 'a database behind its revisions, at a revision no script declares, or with an inconsistent alembic_version breaks the next deploy',
    action: 'open view 4: apply the pending revisions (a); check out the code that matches the database; fix alembic_version with `alembic stamp` after checking the schema',
    threshold: 'critical when alembic_version is inconsistent (dirty); warning when a revision is pending or unknown to the scripts',
  };
  const project = sanitizeOneLine(piece.project);
  if (!piece.ok) return [finding('migrations.state', 'unknown', `cannot check the Alembic project ${project}: ${sanitizeOneLine(piece.reason)}`, text)];
  const status = piece.value;
  const problems = status.refusals.flatMap((refusal) => {
    const severity = SEVERITY_OF_REFUSAL[refusal.kind];
    return severity ? [{ severity, kind: refusal.kind, message: sanitizeOneLine(refusal.message) }] : [];
  });
  const pending = status.pending.map((revision) => sanitizeOneLine(`${revision.revision}${revision.message ? ` ${revision.message}` : ''}`));
  const at = status.current.length > 0 ? status.current.map((revision) => sanitizeOneLine(revision)).join(', ') : 'no revision';
  if (problems.length === 0 && pending.length === 0) {
    return [finding('migrations.state', 'ok', `Alembic: the database is at ${at}, the head`, text)];
  }
  const parts: string[] = [...new Set(problems.map((problem) => problem.kind))];
  if (pending.length > 0) parts.push(`${pending.length} pending`);
  return [
    finding(
      'migrations.state',
      problems.some((problem) => problem.severity === 'critical') ? 'critical' : 'warning',
      `Alembic at ${at}: ${parts.join(', ')}`,
      text,
      [...problems.map((problem) => problem.message), ...pending.slice(0, 10).map((revision) => `pending: ${revision}`)],
      { kind: 'view', view: 'migrations' },
    ),
  ];
}
