import { parseDuration } from '../text/duration.js';

/** How a migration file asks to be run, from its `-- pgtop:` header lines. */
export interface MigrationDirectives {
  transactional: boolean;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/** A header line pgtop cannot accept; `line` is 1-based. */
export interface DirectiveProblem {
  line: number;
  message: string;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 2_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30 * 60_000;
/** PostgreSQL's largest timeout setting (INT_MAX milliseconds). */
const MAX_TIMEOUT_MS = 2_147_483_647;

const DIRECTIVE_LINE = /^\s*--\s*pgtop:/;
const DIRECTIVE = /^\s*--\s*pgtop:\s*([A-Za-z_-]+)\s*(?:=\s*(\S+))?\s*$/;
const HEADER_LINE = /^\s*(--.*)?$/;
const KNOWN = 'no-transaction, lock_timeout=DURATION, statement_timeout=DURATION';

type TimeoutName = 'lock_timeout' | 'statement_timeout';

function parseTimeout(name: TimeoutName, value: string | undefined): { ms: number } | { problem: string } {
  if (value === undefined) return { problem: `pgtop:${name} needs a value, e.g. -- pgtop:${name}=${name === 'lock_timeout' ? '2s' : '30min'}` };
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch {
    return { problem: `pgtop:${name}=${value} is not a duration: use a number and a unit (ms, s, min, h), e.g. 500ms, 2s, 30min` };
  }
  if (ms > MAX_TIMEOUT_MS) return { problem: `pgtop:${name}=${value} is longer than PostgreSQL allows (about 24 days)` };
  return { ms };
}

/**
 * Reads the `-- pgtop:` lines at the top of a migration file (before its first statement). Defaults:
 * a transaction, lock_timeout 2s, statement_timeout 30min. Unknown, repeated, malformed or misplaced
 * directives are problems naming their line.
 */
export function parseDirectives(source: string): { directives: MigrationDirectives; problems: DirectiveProblem[] } {
  const directives: MigrationDirectives = {
    transactional: true,
    lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS,
    statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_MS,
  };
  const problems: DirectiveProblem[] = [];
  const seen = new Map<string, number>();
  let inHeader = true;

  source.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    if (inHeader && !HEADER_LINE.test(text)) inHeader = false;
    if (!DIRECTIVE_LINE.test(text)) return;
    if (!inHeader) {
      problems.push({ line, message: 'a -- pgtop: directive must be at the top of the file, before the first statement' });
      return;
    }
    const match = DIRECTIVE.exec(text);
    if (!match) {
      problems.push({ line, message: `cannot read this directive: write -- pgtop:NAME or -- pgtop:NAME=VALUE (known: ${KNOWN})` });
      return;
    }
    const name = match[1] ?? '';
    const value = match[2];
    const firstLine = seen.get(name);
    if (firstLine !== undefined) {
      problems.push({ line, message: `pgtop:${name} is given twice (first on line ${firstLine})` });
      return;
    }
    seen.set(name, line);
    if (name === 'no-transaction') {
      if (value !== undefined) problems.push({ line, message: 'pgtop:no-transaction takes no value' });
      else directives.transactional = false;
    } else if (name === 'lock_timeout' || name === 'statement_timeout') {
      const parsed = parseTimeout(name, value);
      if ('problem' in parsed) problems.push({ line, message: parsed.problem });
      else if (name === 'lock_timeout') directives.lockTimeoutMs = parsed.ms;
      else directives.statementTimeoutMs = parsed.ms;
    } else {
      problems.push({ line, message: `unknown directive pgtop:${name} (known: ${KNOWN})` });
    }
  });
  return { directives, problems };
}
