import assert from 'node:assert/strict';
import type { ConnectionSettings } from '../../src/config/types.js';
import type { PostgresSandbox } from '../../src/sandbox/postgres.js';
import type { StatementsSource } from '../../src/sources/statements/source.js';
import type { StatementsOutcome, StatementsSnapshot } from '../../src/sources/statements/types.js';

/** Connection settings for the sandbox over TCP, as a given role and database. */
export function sandboxSettings(sandbox: PostgresSandbox, database = 'postgres', user = sandbox.superuser, password = sandbox.password): ConnectionSettings {
  return { host: sandbox.host, port: sandbox.port, user, password, database, sslmode: 'disable', extra: {} };
}

export async function fetchStatements(source: StatementsSource): Promise<StatementsSnapshot & { outcome: StatementsOutcome }> {
  const outcome = await source.tick();
  assert.equal(outcome.kind, 'data', `pg_stat_statements fetch: ${JSON.stringify(outcome)}`);
  if (outcome.kind !== 'data') throw new Error('unreachable');
  return { ...outcome.data, outcome };
}

/** The key of the entry whose text contains `marker` (texts fetched once for every entry). */
export async function keyOfText(source: StatementsSource, snapshot: StatementsSnapshot, marker: string): Promise<string | undefined> {
  const texts = await source.textsOf(snapshot.entries.map((e) => e.key));
  for (const [key, text] of texts) if (text.includes(marker)) return key;
  return undefined;
}

/** Runs `sql` `times` times on one connection, one round trip. */
export async function runTimes(sandbox: PostgresSandbox, sql: string, times: number, database = 'postgres'): Promise<void> {
  const client = await sandbox.connect(database);
  try {
    await client.query(Array.from({ length: times }, () => sql).join(';\n'));
  } finally {
    await client.end();
  }
}
