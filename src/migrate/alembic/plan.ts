import type { ConnectionSettings } from '../../config/types.js';
import { ancestorsOf, pendingRevisions, resolveTarget, unknownRevisions } from './graph.js';
import type { AlembicRevision } from './revision-file.js';
import type { AlembicRefusal, ProjectGraph } from './types.js';

export interface AlembicPlan {
  pending: AlembicRevision[];
  refusals: AlembicRefusal[];
}

const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '::1']);

/** host, port and database of a postgres URL as alembic.ini writes it; undefined for any other URL. */
export function urlTarget(url: string): { host: string; port: number | undefined; database: string } | undefined {
  const match = /^postgres(?:ql)?(?:\+\w+)?:\/\/(?:[^@/]*@)?([^/:?]*)(?::(\d+))?(?:\/([^?]*))?/.exec(url);
  if (!match) return undefined;
  return { host: decodeURIComponent(match[1] ?? ''), port: match[2] ? Number(match[2]) : undefined, database: decodeURIComponent(match[3] ?? '') };
}

/**
 * alembic.ini's sqlalchemy.url, when it names a host or database, must be the one pgtop guards: the
 * maintenance lock and the checks are on pgtop's connection, and libpq gives the URL precedence over
 * the environment pgtop sets.
 */
export function otherDatabaseRefusal(url: string | undefined, settings: ConnectionSettings): AlembicRefusal | undefined {
  if (!url) return undefined;
  const named = urlTarget(url);
  if (!named) return undefined;
  const hostDiffers = named.host !== '' && named.host !== settings.host && !(LOCAL_HOSTS.has(named.host) && (LOCAL_HOSTS.has(settings.host) || settings.host.startsWith('/')));
  const portDiffers = named.port !== undefined && named.port !== settings.port;
  const databaseDiffers = named.database !== '' && named.database !== settings.database;
  if (!hostDiffers && !portDiffers && !databaseDiffers) return undefined;
  const where = `${named.host || 'the default host'}${named.port ? `:${named.port}` : ''}/${named.database || '(default database)'}`;
  return {
    kind: 'other-database',
    message: `alembic.ini's sqlalchemy.url points at ${where}, not at ${settings.host}:${settings.port}/${settings.database}, where pgtop holds the lock and made its checks. Leave host and database out of the URL (postgresql://), or read them in env.py from DATABASE_URL or the PG* variables pgtop sets.`,
  };
}

/** Revisions in the version table that are ancestors of another one there: Alembic's state is inconsistent. */
function overlapping(project: ProjectGraph, current: readonly string[]): string[] {
  return current.filter((id) => current.some((other) => other !== id && ancestorsOf(project.graph, [other]).has(id)));
}

/** What `upgrade TARGET` would run from `current`, or why it must not run. */
export function planUpgrade(project: ProjectGraph, current: readonly string[], upgradeTo: string): AlembicPlan {
  const refusals: AlembicRefusal[] = [];
  for (const problem of project.graph.problems) refusals.push({ kind: 'graph', message: `the revision scripts are inconsistent: ${problem}.` });
  const unknown = unknownRevisions(project.graph, current);
  if (unknown.length > 0) {
    refusals.push({
      kind: 'unknown-revision',
      message: `the database is at revision ${unknown.join(', ')}, which none of the scripts in ${project.project.versionDirs.join(', ')} declares: it was probably deployed from another branch (or its file was removed). Check out the code that matches the database, or merge that branch, before upgrading.`,
    });
  }
  const overlap = overlapping(project, current.filter((id) => !unknown.includes(id)));
  if (overlap.length > 0) {
    refusals.push({
      kind: 'dirty',
      message: `alembic_version holds ${overlap.join(', ')} together with a revision that follows it: the table is inconsistent (an interrupted or hand-edited upgrade). Fix it with \`alembic stamp\` after checking the schema.`,
    });
  }
  const target = resolveTarget(project.graph, upgradeTo);
  if ('error' in target) {
    refusals.push({ kind: 'target', message: target.error });
    return { pending: [], refusals };
  }
  if (refusals.length > 0) return { pending: [], refusals };
  return { pending: pendingRevisions(project.graph, current, target.ids), refusals };
}
