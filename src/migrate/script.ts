import { readFileSync } from 'node:fs';
import { migrationChecksum, normalizeMigrationBytes } from './checksum.js';
import { parseDirectives, type MigrationDirectives } from './directives.js';
import { splitStatements, type SqlStatement } from './split.js';
import { outsideTransactionOnly, transactionControl } from './statement-rules.js';

/** Something in a file that keeps pgtop from running it; `line` is 1-based. */
export interface ScriptProblem {
  line?: number;
  message: string;
}

/** A migration (or down) file read and checked, ready to run. */
export interface MigrationScript {
  fileName: string;
  /** The text as it runs: no BOM, LF line ends. */
  text: string;
  checksum: string;
  directives: MigrationDirectives;
  statements: SqlStatement[];
  problems: ScriptProblem[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function statementProblems(directives: MigrationDirectives, statements: SqlStatement[]): ScriptProblem[] {
  const problems: ScriptProblem[] = [];
  for (const statement of statements) {
    const control = transactionControl(statement);
    if (control) {
      problems.push({
        line: statement.line,
        message: directives.transactional
          ? `${control}: pgtop runs each file in a transaction of its own; remove the transaction control`
          : `${control}: a no-transaction file runs its one statement by itself; remove the transaction control`,
      });
    }
  }
  if (directives.transactional) {
    for (const statement of statements) {
      const what = outsideTransactionOnly(statement);
      if (what) {
        problems.push({
          line: statement.line,
          message: `${what} cannot run inside a transaction: put it in a file of its own that starts with -- pgtop:no-transaction`,
        });
      }
    }
  } else if (statements.length === 0) {
    problems.push({ message: 'this -- pgtop:no-transaction file holds no statement' });
  } else if (statements.length > 1) {
    const lines = statements.map((statement) => statement.line).join(', ');
    problems.push({
      line: statements[1]?.line,
      message: `a -- pgtop:no-transaction file must hold exactly one statement, and this one has ${statements.length} (lines ${lines}): put each in a file of its own`,
    });
  }
  return problems;
}

/** Checks a file's content: directives, statements, and what may run inside or outside a transaction. */
export function parseMigrationScript(fileName: string, content: Buffer): MigrationScript {
  const checksum = migrationChecksum(content);
  let text: string;
  try {
    text = utf8.decode(normalizeMigrationBytes(content));
  } catch {
    const directives = parseDirectives('').directives;
    return { fileName, text: '', checksum, directives, statements: [], problems: [{ message: 'the file is not valid UTF-8: save it as UTF-8' }] };
  }
  const { directives, problems } = parseDirectives(text);
  const statements = splitStatements(text);
  return { fileName, text, checksum, directives, statements, problems: [...problems, ...statementProblems(directives, statements)] };
}

export function readMigrationScript(fileName: string, path: string): MigrationScript {
  return parseMigrationScript(fileName, readFileSync(path));
}
