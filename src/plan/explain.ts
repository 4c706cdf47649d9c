import type pg from 'pg';
import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import { errorMessage } from '../errors.js';
import { checkPlannable, type PlanInput } from './classify.js';

export interface PlanRequest {
  text: string;
  origin: PlanInput['origin'];
  /** The database the statement runs in: the plan is made there. */
  database: string;
}

export type PlanResult =
  | { kind: 'plan'; lines: string[]; generic: boolean; note: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; message: string };

export interface ExplainOptions {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

/**
 * Shows the plan of a query without running it: EXPLAIN, never ANALYZE, on a connection of its own to the
 * statement's database, read-only by default, under short statement and lock timeouts.
 */
export async function explainStatement(settings: ConnectionSettings, request: PlanRequest, options: ExplainOptions = {}): Promise<PlanResult> {
  let client: pg.Client | undefined;
  try {
    client = await connect({ ...settings, database: request.database }, { applicationName: 'pgtop explain', statementTimeoutMs: options.statementTimeoutMs ?? 3000 });
    // standard_conforming_strings as checkPlannable's lexer reads strings: where a database turns it off, a
    // backslash would end a string elsewhere than the check saw, and text after it could run as a statement.
    await client.query(
      `SET default_transaction_read_only = on; SET standard_conforming_strings = on; SET lock_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs ?? 1000))}`,
    );
    const context = (
      await client.query<{ version_num: string; size: string; role: string; search_path: string }>(
        `SELECT current_setting('server_version_num') AS version_num,
                (SELECT setting FROM pg_settings WHERE name = 'track_activity_query_size') AS size,
                current_user AS role, current_setting('search_path') AS search_path`,
      )
    ).rows[0];
    const check = checkPlannable({
      text: request.text,
      origin: request.origin,
      trackActivityQuerySize: context?.size ? Number(context.size) : null,
      versionNum: Number(context?.version_num ?? 0),
    });
    if (!check.ok) return { kind: 'refused', reason: check.reason };
    const explain = check.parameterised ? 'EXPLAIN (GENERIC_PLAN)' : 'EXPLAIN';
    const result = await client.query<{ 'QUERY PLAN': string }>(`${explain} ${check.statement}`);
    return {
      kind: 'plan',
      lines: result.rows.map((row) => row['QUERY PLAN']),
      generic: check.parameterised,
      note:
        `${check.parameterised ? 'Generic plan (EXPLAIN (GENERIC_PLAN)), not run' : 'Estimated plan (EXPLAIN), not run'}; ` +
        `made in database "${request.database}" with pgtop's role "${context?.role ?? settings.user}" and its search_path (${context?.search_path ?? '?'}), not the session's.`,
    };
  } catch (error) {
    return { kind: 'failed', message: `EXPLAIN failed: ${errorMessage(error)}` };
  } finally {
    await closeQuietly(client);
  }
}
