import { relative } from 'node:path';
import { sanitize, sanitizeOneLine } from '../../text/sanitize.js';
import { describeBlockers, formatMs } from '../describe.js';
import { formatEvent } from '../report.js';
import type { AlembicRevision } from './revision-file.js';
import type { AlembicEvent, AlembicStatus } from './types.js';

const one = (text: string): string => sanitizeOneLine(text);
const list = (ids: readonly string[]): string => (ids.length > 0 ? ids.map(one).join(', ') : '<base> (nothing applied)');

function revisionLine(revision: AlembicRevision, projectDir: string, marks: string[]): string {
  const mark = marks.length > 0 ? ` (${marks.join(', ')})` : '';
  return `  ${one(revision.revision)}${mark}  ${one(revision.message)}  ${one(relative(projectDir, revision.path) || revision.path)}`;
}

/** `pgtop migrate status --alembic`: where the database is, the heads, what is pending, and why an upgrade would refuse. */
export function formatAlembicStatus(status: AlembicStatus): string {
  const { graph, project } = { graph: status.graph.graph, project: status.graph.project };
  const lines = [
    `Alembic project ${one(project.dir)} on ${one(status.target)} as ${one(status.role)}`,
    `Graph: ${one(status.graph.note)}.`,
    `Database: ${status.versionTableExists ? list(status.current) : `no ${one(status.versionTable)} table yet (nothing applied)`}`,
    `Heads: ${list(graph.heads)}`,
  ];
  if (graph.branchPoints.length > 0) lines.push(`Branch points: ${graph.branchPoints.map(one).join(', ')}`);
  if (graph.merges.length > 0) lines.push(`Merges: ${graph.merges.map((id) => `${one(id)} (of ${(graph.revisions.get(id)?.downRevisions ?? []).map(one).join(', ')})`).join(', ')}`);
  for (const file of status.graph.unreadable) lines.push(`Unread: ${one(file.path)}: ${one(file.reason)}`);
  if (status.pending.length === 0) lines.push('Pending: none: the database is at the heads.');
  else {
    lines.push(`Pending: ${status.pending.length} revision${status.pending.length === 1 ? '' : 's'}:`);
    for (const revision of status.pending) {
      const marks = [graph.heads.includes(revision.revision) ? 'head' : '', graph.merges.includes(revision.revision) ? 'merge' : '', graph.branchPoints.includes(revision.revision) ? 'branch point' : ''].filter(Boolean);
      lines.push(revisionLine(revision, project.dir, marks));
    }
  }
  for (const warning of status.warnings) lines.push(`Note: ${one(warning)}`);
  for (const refusal of status.refusals) lines.push(`Refused (${refusal.kind}): ${one(refusal.message)}`);
  return lines.join('\n');
}

/** One line of progress for the terminal, or undefined for events that print nothing. */
export function formatAlembicEvent(event: AlembicEvent, state: { lastHolderPid?: number | null }): string | undefined {
  switch (event.type) {
    case 'alembic-graph':
      return `${one(event.note)}.`;
    case 'alembic-planned':
      return event.pending.length > 0 ? `Upgrading from ${list(event.before)} to ${one(event.upgradeTo)}: ${event.pending.map((revision) => one(revision.revision)).join(', ')}` : undefined;
    case 'alembic-started':
      return `${event.attempt > 1 ? `attempt ${event.attempt} of ${event.maxAttempts}: ` : ''}alembic ${event.args.map(one).join(' ')} (session application_name ${one(event.applicationName)})`;
    case 'alembic-output':
      return `  | ${sanitize(event.line).replace(/\n/g, ' ')}`;
    case 'alembic-blocked':
      return event.blockers.length > 0 ? `alembic waits for a lock held by ${one(describeBlockers(event.blockers))}` : undefined;
    case 'alembic-retry':
      return `${one(event.reason)}; rolled back, attempt ${event.attempt} of ${event.maxAttempts} in ${formatMs(event.delayMs)}`;
    case 'connected':
    case 'lock-waiting':
    case 'lock-acquired':
      return formatEvent(event, state);
    default:
      return undefined;
  }
}
