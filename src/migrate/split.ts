import { lexSql, type SqlToken } from './sql-lexer.js';

/** One statement of a migration file. */
export interface SqlStatement {
  /** From the statement's first token up to, not including, its terminating semicolon. */
  text: string;
  /** Offset of `text` in the file. */
  start: number;
  /** 1-based line of the statement's first token. */
  line: number;
  /** The statement's tokens without comments. */
  tokens: SqlToken[];
}

/** 1-based line number of an offset in `source`, counting from `from` (an earlier offset on line `fromLine`). */
export function lineAt(source: string, offset: number, from = 0, fromLine = 1): number {
  let line = fromLine;
  const end = Math.min(offset, source.length);
  for (let i = from; i < end; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

const isWord = (token: SqlToken | undefined, word: string): boolean =>
  token?.kind === 'word' && token.text.toUpperCase() === word;

/**
 * Splits a file into statements at the semicolons PostgreSQL would split at: not inside strings,
 * quoted identifiers, dollar quotes or comments, not inside parentheses (CREATE RULE … DO (a; b)),
 * and not inside a `BEGIN ATOMIC … END` function body. Empty statements are dropped.
 */
export function splitStatements(source: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let current: SqlToken[] = [];
  let parenDepth = 0;
  let atomicDepth = 0;
  let counted = { offset: 0, line: 1 };

  const finish = (): void => {
    const first = current[0];
    const last = current.at(-1);
    if (first && last) {
      counted = { offset: first.start, line: lineAt(source, first.start, counted.offset, counted.line) };
      statements.push({ text: source.slice(first.start, last.end), start: first.start, line: counted.line, tokens: current });
    }
    current = [];
    parenDepth = 0;
    atomicDepth = 0;
  };

  for (const token of lexSql(source)) {
    if (token.kind === 'comment') continue;
    if (token.kind === 'semicolon' && parenDepth === 0 && atomicDepth === 0) {
      finish();
      continue;
    }
    if (token.kind === 'open-paren') parenDepth++;
    else if (token.kind === 'close-paren') parenDepth = Math.max(0, parenDepth - 1);
    else if (isWord(token, 'ATOMIC') && isWord(current.at(-1), 'BEGIN')) atomicDepth++;
    else if (atomicDepth > 0 && isWord(token, 'CASE')) atomicDepth++;
    else if (atomicDepth > 0 && isWord(token, 'END')) atomicDepth--;
    current.push(token);
  }
  finish();
  return statements;
}
