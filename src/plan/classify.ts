import { lexSql } from '../migrate/sql-lexer.js';

/** The statements EXPLAIN may show without running anything: plain queries, never utility commands. */
const PLAIN = new Set(['select', 'insert', 'update', 'delete', 'merge', 'values', 'table', 'with']);

export type PlanCheck =
  | { ok: true; statement: string; parameterised: boolean }
  | { ok: false; reason: string };

export interface PlanInput {
  text: string;
  /** Where the text comes from: pg_stat_activity cuts texts at track_activity_query_size. */
  origin: 'activity' | 'statements';
  /** track_activity_query_size in bytes, when known. */
  trackActivityQuerySize: number | null;
  versionNum: number;
}

/** A text that fills track_activity_query_size was most likely cut there (the server keeps size - 1 bytes). */
export function looksTruncated(text: string, trackActivityQuerySize: number | null): boolean {
  return trackActivityQuerySize !== null && Buffer.byteLength(text, 'utf8') >= trackActivityQuerySize - 1;
}

/**
 * Decides whether a text may be explained, and how: one plain statement, not cut, and with `$n`
 * parameters only where EXPLAIN (GENERIC_PLAN) exists (PostgreSQL 16+).
 */
export function checkPlannable(input: PlanInput): PlanCheck {
  if (input.origin === 'activity' && looksTruncated(input.text, input.trackActivityQuerySize)) {
    return {
      ok: false,
      reason: `the text was cut at track_activity_query_size (${input.trackActivityQuerySize} bytes): pgtop does not explain a partial query. Raise track_activity_query_size (restart needed) or find the statement in the Statements view.`,
    };
  }
  const tokens = lexSql(input.text).filter((t) => t.kind !== 'comment');
  const first = tokens[0];
  if (!first) return { ok: false, reason: 'the text is empty: there is nothing to explain.' };
  const lastSemicolon = tokens.findIndex((t) => t.kind === 'semicolon');
  if (lastSemicolon >= 0 && tokens.slice(lastSemicolon).some((t) => t.kind !== 'semicolon')) {
    return { ok: false, reason: 'the text holds more than one statement: pgtop explains one plain statement only.' };
  }
  const keyword = first.kind === 'word' ? first.text.toLowerCase() : first.text === '(' ? 'select' : first.text;
  if (!PLAIN.has(keyword)) {
    return {
      ok: false,
      reason: `${keyword.toUpperCase()} is not a plain SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES or TABLE statement: pgtop explains only those.`,
    };
  }
  const parameterised = tokens.some((t, i) => t.text === '$' && tokens[i + 1]?.start === t.end && /^\d/.test(tokens[i + 1]?.text ?? ''));
  if (parameterised && input.versionNum < 160000) {
    return {
      ok: false,
      reason: 'the text has $n parameters, and PostgreSQL before 16 cannot plan it without their values (EXPLAIN (GENERIC_PLAN) came in 16).',
    };
  }
  const end = lastSemicolon >= 0 ? (tokens[lastSemicolon]?.start ?? input.text.length) : input.text.length;
  return { ok: true, statement: input.text.slice(0, end).trim(), parameterised };
}
