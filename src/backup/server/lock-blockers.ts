import type pg from 'pg';

/**
 * Splits the table list of a `LOCK TABLE a, "b, c" IN …` statement (one table, or several when pg_dump
 * locks in batches), keeping quoted names whole.
 */
export function splitRelationList(list: string): string[] {
  const names: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of list) {
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      names.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '') names.push(current.trim());
  return names.filter((name) => name !== '');
}

/**
 * The sessions that hold, or wait ahead for, an ACCESS EXCLUSIVE lock (the only mode that blocks
 * pg_dump's ACCESS SHARE) on any of `relations`, in one line each: pid, user, application, state, for
 * how long, the table, and the query.
 */
export async function describeLockBlockers(client: pg.Client, relations: string[]): Promise<string[]> {
  const result = await client.query<{ pid: number; granted: boolean; usename: string | null; application_name: string | null; state: string | null; seconds: number | null; relation: string; query: string | null }>(
    `SELECT l.pid, l.granted, a.usename, a.application_name, a.state, l.relation::regclass::text AS relation,
            floor(extract(epoch FROM now() - coalesce(a.xact_start, a.query_start)))::int AS seconds,
            left(regexp_replace(a.query, '\\s+', ' ', 'g'), 120) AS query
       FROM pg_locks l
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
        AND l.relation IN (SELECT to_regclass(name) FROM unnest($1::text[]) AS name)
        AND l.pid <> pg_backend_pid()
      ORDER BY l.granted DESC, seconds DESC NULLS LAST`,
    [relations],
  );
  return result.rows.map((row) => {
    const who = [row.usename ? `user ${row.usename}` : undefined, row.application_name ? `application "${row.application_name}"` : undefined, row.state ?? undefined]
      .filter((part) => part !== undefined)
      .join(', ');
    const since = row.seconds !== null ? ` for ${row.seconds} s` : '';
    const what = `${row.granted ? 'holds' : 'waits for'} ACCESS EXCLUSIVE${relations.length > 1 ? ` on ${row.relation}` : ''}`;
    return `pid ${row.pid} (${who}${since}) ${what}${row.query ? `: ${row.query}` : ''}`;
  });
}
