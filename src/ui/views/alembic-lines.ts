import { relative } from 'node:path';
import { describeBlocker } from '../../migrate/describe.js';
import type { AlembicProgress } from '../../migrate/alembic/progress.js';
import type { AlembicStatus } from '../../migrate/alembic/types.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit } from '../../text/width.js';
import { theme } from '../theme.js';

const one = (text: string): string => sanitizeOneLine(text);
const revisions = (ids: readonly string[]): string => (ids.length > 0 ? ids.map(one).join(', ') : '<base>');

/** The Migrations view's lines for an Alembic project: where the database is, the heads, what is pending, why `a` would refuse. */
export function alembicStatusLines(status: AlembicStatus, width: number): string[] {
  const { graph, project } = status.graph;
  const line = (text: string, style?: (s: string) => string): string => (style ? style(fit(` ${text}`, width)) : fit(` ${text}`, width));
  const lines = [
    line(`Alembic ${one(project.dir)} → ${one(status.target)}: at ${status.versionTableExists ? revisions(status.current) : '<base> (no version table)'}, heads ${revisions(graph.heads)}, ${status.pending.length} pending`),
    line(one(status.graph.note), theme.dim),
  ];
  const shape = [graph.branchPoints.length > 0 ? `branch points ${graph.branchPoints.map(one).join(', ')}` : '', graph.merges.length > 0 ? `merges ${graph.merges.map(one).join(', ')}` : ''].filter(Boolean);
  if (shape.length > 0) lines.push(line(shape.join('; '), theme.dim));
  for (const refusal of status.refusals.slice(0, 3)) lines.push(line(`✗ ${one(refusal.message)}`, theme.error));
  for (const warning of status.warnings.slice(0, 1)) lines.push(line(`! ${one(warning)}`, theme.warn));
  for (const revision of status.pending) {
    const mark = graph.merges.includes(revision.revision) ? ' (merge)' : graph.heads.includes(revision.revision) ? ' (head)' : '';
    lines.push(line(`  ${one(revision.revision)}${mark}  ${one(revision.message)}  ${one(relative(project.dir, revision.path) || revision.path)}`, theme.warn));
  }
  return lines;
}

/** The lines of an Alembic run under way or just ended: phase, blockers, the child's last output lines. */
export function alembicProgressLines(progress: AlembicProgress, outputLines: number, width: number): string[] {
  const line = (text: string, style?: (s: string) => string): string => (style ? style(fit(` ${text}`, width)) : fit(` ${text}`, width));
  const lines: string[] = [];
  if (progress.finished) lines.push(line(`${progress.finished.ok ? '✓' : '✗'} ${one(progress.finished.message)}`, progress.finished.ok ? theme.ok : theme.error));
  else if (progress.phase === 'waiting-for-lock') lines.push(line(`waiting for the maintenance lock, held by ${one(progress.waitingFor ?? 'another session')}`, theme.warn));
  else if (progress.phase === 'running' || progress.phase === 'retrying') {
    const backend = progress.backendPid !== undefined ? `, session pid ${progress.backendPid}` : '';
    lines.push(line(`alembic upgrade running (attempt ${progress.attempt} of ${progress.maxAttempts}${backend}); x cancels`, theme.heading));
  } else lines.push(line('starting…'));
  for (const blocker of progress.blockers.slice(0, 3)) lines.push(line(`  blocked by ${describeBlocker(blocker)}`, theme.blocked));
  for (const output of outputLines > 0 ? progress.output.slice(-outputLines) : []) lines.push(line(`  ${one(output)}`, theme.dim));
  return lines;
}
