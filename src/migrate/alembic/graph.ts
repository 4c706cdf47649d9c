import type { AlembicRevision } from './revision-file.js';
import { byCodeUnits } from '../../text/order.js';

/** The revision graph of a project: who follows whom, its heads, bases, branch points and merges. */
export interface RevisionGraph {
  revisions: Map<string, AlembicRevision>;
  /** Revisions no other revision follows. Every list is in revision-id order. */
  heads: string[];
  bases: string[];
  /** Revisions two or more others follow. */
  branchPoints: string[];
  /** Revisions that follow two or more others. */
  merges: string[];
  /** Problems in the graph itself: a revision id in two files, a parent no file declares. */
  problems: string[];
}

export function buildGraph(revisions: readonly AlembicRevision[]): RevisionGraph {
  const byId = new Map<string, AlembicRevision>();
  const problems: string[] = [];
  for (const revision of revisions) {
    const other = byId.get(revision.revision);
    if (other) problems.push(`revision ${revision.revision} is declared twice: ${other.path} and ${revision.path}`);
    else byId.set(revision.revision, revision);
  }
  const children = new Map<string, number>();
  // As in Alembic, a revision something depends on is not a head, but only down revisions make branch points.
  const dependedOn = new Set<string>();
  for (const revision of byId.values()) {
    for (const parent of revision.downRevisions) {
      if (!byId.has(parent)) problems.push(`revision ${revision.revision} (${revision.path}) follows ${parent}, which no file declares`);
      children.set(parent, (children.get(parent) ?? 0) + 1);
    }
    for (const dependency of revision.dependsOn) dependedOn.add(dependency);
  }
  const all = [...byId.values()].sort((a, b) => byCodeUnits(a.revision, b.revision));
  return {
    revisions: byId,
    heads: all.filter((revision) => !children.has(revision.revision) && !dependedOn.has(revision.revision)).map((revision) => revision.revision),
    bases: all.filter((revision) => revision.downRevisions.length === 0).map((revision) => revision.revision),
    branchPoints: all.filter((revision) => (children.get(revision.revision) ?? 0) > 1).map((revision) => revision.revision),
    merges: all.filter((revision) => revision.downRevisions.length > 1).map((revision) => revision.revision),
    problems,
  };
}

/** `ids` and every revision they follow (down revisions and depends_on), transitively. */
export function ancestorsOf(graph: RevisionGraph, ids: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const revision = graph.revisions.get(id);
    if (revision) stack.push(...revision.downRevisions, ...revision.dependsOn);
  }
  return seen;
}

/**
 * The revisions an upgrade from `current` to `targets` runs, parents before children (the order Alembic
 * runs them in may interleave branches differently; the set is the same).
 */
export function pendingRevisions(graph: RevisionGraph, current: readonly string[], targets: readonly string[]): AlembicRevision[] {
  const applied = ancestorsOf(graph, current);
  const wanted = ancestorsOf(graph, targets);
  const pending: AlembicRevision[] = [];
  const placed = new Set<string>();
  const visit = (id: string): void => {
    if (placed.has(id) || applied.has(id) || !wanted.has(id)) return;
    placed.add(id);
    const revision = graph.revisions.get(id);
    if (!revision) return;
    for (const parent of [...revision.downRevisions, ...revision.dependsOn]) visit(parent);
    pending.push(revision);
  };
  for (const id of [...wanted].sort()) visit(id);
  return pending;
}

/** Database revisions that no file declares: a deploy from another branch, or files removed. */
export function unknownRevisions(graph: RevisionGraph, current: readonly string[]): string[] {
  return current.filter((id) => !graph.revisions.has(id));
}

/** Resolves what the user asked to upgrade to: `head`, `heads`, a revision id or a unique prefix of one. */
export function resolveTarget(graph: RevisionGraph, target: string): { ids: string[] } | { error: string } {
  if (target === 'head' || target === 'heads') {
    if (target === 'head' && graph.heads.length > 1) {
      return { error: `the scripts have ${graph.heads.length} heads (${graph.heads.join(', ')}): upgrade to "heads", to one of them, or merge them (alembic merge heads).` };
    }
    return { ids: graph.heads };
  }
  if (graph.revisions.has(target)) return { ids: [target] };
  const matches = [...graph.revisions.keys()].filter((id) => id.startsWith(target));
  if (matches.length === 1 && matches[0]) return { ids: [matches[0]] };
  if (matches.length > 1) return { error: `"${target}" is the start of ${matches.length} revisions (${matches.join(', ')}): give more of it.` };
  return { error: `no revision "${target}" in the scripts: give head, heads or a revision id.` };
}
