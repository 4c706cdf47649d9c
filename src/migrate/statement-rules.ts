import type { SqlStatement } from './split.js';

const leadingWords = (statement: SqlStatement, count: number): string[] => {
  const words: string[] = [];
  for (const token of statement.tokens) {
    if (token.kind !== 'word' || words.length === count) break;
    words.push(token.text.toUpperCase());
  }
  return words;
};

const startsWith = (words: string[], ...expected: string[]): boolean => expected.every((word, i) => words[i] === word);

/**
 * What in this statement PostgreSQL refuses to run inside a transaction block (`CREATE INDEX
 * CONCURRENTLY`, `VACUUM`, `ALTER SYSTEM`, …), or undefined. REFRESH MATERIALIZED VIEW CONCURRENTLY is
 * allowed in a transaction, so it is not flagged.
 */
export function outsideTransactionOnly(statement: SqlStatement): string | undefined {
  const words = leadingWords(statement, 6);
  if (startsWith(words, 'VACUUM')) return 'VACUUM';
  if (startsWith(words, 'ALTER', 'SYSTEM')) return 'ALTER SYSTEM';
  for (const object of ['DATABASE', 'TABLESPACE']) {
    if (startsWith(words, 'CREATE', object) || startsWith(words, 'DROP', object)) return `${words[0]} ${object}`;
  }
  if (startsWith(words, 'REFRESH', 'MATERIALIZED', 'VIEW')) return undefined;
  const concurrently = statement.tokens.some((token) => token.kind === 'word' && token.text.toUpperCase() === 'CONCURRENTLY');
  if (!concurrently) return undefined;
  const upTo = words.indexOf('CONCURRENTLY');
  return upTo >= 0 ? words.slice(0, upTo + 1).join(' ') : `${words.slice(0, 2).join(' ')} … CONCURRENTLY`;
}

/** The transaction-control command this statement is (BEGIN, COMMIT, …), or undefined. */
export function transactionControl(statement: SqlStatement): string | undefined {
  const words = leadingWords(statement, 2);
  const [first = '', second = ''] = words;
  if (['BEGIN', 'COMMIT', 'END', 'ABORT'].includes(first)) return first === 'COMMIT' && second === 'PREPARED' ? 'COMMIT PREPARED' : first;
  if (first === 'START' && second === 'TRANSACTION') return 'START TRANSACTION';
  if (first === 'PREPARE' && second === 'TRANSACTION') return 'PREPARE TRANSACTION';
  if (first === 'ROLLBACK' && second !== 'TO') return second === 'PREPARED' ? 'ROLLBACK PREPARED' : 'ROLLBACK';
  return undefined;
}
