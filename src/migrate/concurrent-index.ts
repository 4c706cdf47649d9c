import type pg from 'pg';
import type { SqlToken } from './sql-lexer.js';
import type { SqlStatement } from './split.js';

/** The index a CREATE INDEX CONCURRENTLY statement builds. */
export interface ConcurrentIndexTarget {
  /** The index name as stored in pg_class, or undefined when the statement lets the server pick it. */
  indexName?: string;
  /** The table, quoted for to_regclass(). */
  table: string;
}

const word = (token: SqlToken | undefined): string | undefined => (token?.kind === 'word' ? token.text.toUpperCase() : undefined);

function identifier(token: SqlToken | undefined): string | undefined {
  if (token?.kind === 'word') return token.text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  if (token?.kind === 'quoted-identifier' && token.text.endsWith('"') && token.text.length >= 2) return token.text.slice(1, -1).replace(/""/g, '"');
  return undefined;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** For `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] [name] ON [ONLY] table …`, the index and table; else undefined. */
export function concurrentIndexTarget(statement: SqlStatement): ConcurrentIndexTarget | undefined {
  const tokens = statement.tokens;
  let i = 0;
  if (word(tokens[i]) !== 'CREATE') return undefined;
  i++;
  if (word(tokens[i]) === 'UNIQUE') i++;
  if (word(tokens[i]) !== 'INDEX' || word(tokens[i + 1]) !== 'CONCURRENTLY') return undefined;
  i += 2;
  if (word(tokens[i]) === 'IF' && word(tokens[i + 1]) === 'NOT' && word(tokens[i + 2]) === 'EXISTS') i += 3;
  let indexName: string | undefined;
  if (word(tokens[i]) !== 'ON') {
    indexName = identifier(tokens[i]);
    if (indexName === undefined) return undefined;
    i++;
  }
  if (word(tokens[i]) !== 'ON') return undefined;
  i++;
  if (word(tokens[i]) === 'ONLY') i++;
  const parts: string[] = [];
  for (;;) {
    const part = identifier(tokens[i]);
    if (part === undefined) return undefined;
    parts.push(part);
    i++;
    if (tokens[i]?.text !== '.') break;
    i++;
  }
  return { ...(indexName !== undefined ? { indexName } : {}), table: parts.map(quote).join('.') };
}

/**
 * The INVALID indexes matching a CREATE INDEX CONCURRENTLY target (by name, or any on the table when the
 * statement names none), as regclass text that can be pasted into DROP INDEX.
 */
export async function invalidIndexes(client: pg.Client, target: ConcurrentIndexTarget): Promise<string[]> {
  const result = await client.query<{ index: string }>(
    `SELECT i.indexrelid::regclass::text AS index
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = to_regclass($1) AND NOT i.indisvalid AND ($2::text IS NULL OR c.relname = $2)
      ORDER BY 1`,
    [target.table, target.indexName ?? null],
  );
  return result.rows.map((row) => row.index);
}
