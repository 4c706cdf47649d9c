import type { PgSnapshot } from '../sources/types.js';
import type { Piece, RawRow } from './input.js';

interface Limit {
  name: string;
  limit: number;
}

/**
 * The connections piece completed from an activity tick's sessions: the client connections in all, per role
 * and per database, as the query on the health checks' connection would count them. The tick leaves out its
 * own connection, and the health checks' connection may be newer than the tick: each is the same role's, to
 * the same database, and is counted in.
 */
export function countConnections(piece: Piece<RawRow[]> | undefined, activity: PgSnapshot): Piece<RawRow[]> | undefined {
  if (!piece?.ok) return piece;
  const row = piece.value[0];
  if (!row) return piece;
  const ownRole = typeof row.own_role === 'string' ? row.own_role : null;
  const ownDatabase = typeof row.own_database === 'string' ? row.own_database : null;
  const clients = activity.sessions.filter((s) => s.backendType === 'client backend');
  const ownConnections = 1 + (activity.sessions.some((s) => s.pid === Number(row.own_pid)) ? 0 : 1);
  const count = (limits: unknown, key: (s: (typeof clients)[number]) => string | null, mine: string | null): string =>
    JSON.stringify(
      (JSON.parse(typeof limits === 'string' ? limits : '[]') as Limit[]).map((l) => ({
        ...l,
        used: clients.filter((s) => key(s) === l.name).length + (l.name === mine ? ownConnections : 0),
      })),
    );
  const completed: RawRow = {
    ...row,
    used: clients.length + ownConnections,
    roles: count(row.roles, (s) => s.user, ownRole),
    databases: count(row.databases, (s) => s.database, ownDatabase),
  };
  return { ok: true, value: [completed] };
}
