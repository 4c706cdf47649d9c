import type { StatementsDiagnosis } from './types.js';

/** What the environment query says about the role and the library. */
export interface StatementsEnvironment {
  database: string;
  role: string;
  superuser: boolean;
  readAllStats: boolean;
  preloaded: boolean;
  /** Null when the role may not read shared_preload_libraries. */
  preloadLibraries: string | null;
}

const sqlLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const ident = (name: string): string => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

function preloadCommand(current: string | null): string {
  const libraries = (current ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== 'pg_stat_statements');
  if (current === null) return "ALTER SYSTEM SET shared_preload_libraries = '<the current list>, pg_stat_statements';";
  return `ALTER SYSTEM SET shared_preload_libraries = ${sqlLiteral([...libraries, 'pg_stat_statements'].join(', '))};`;
}

/**
 * Which of the three missing pieces keeps pg_stat_statements from the view, or null when nothing does.
 * pgtop never creates the extension or changes a setting: it prints the commands.
 */
export function diagnoseStatements(env: StatementsEnvironment, installed: boolean): StatementsDiagnosis | null {
  if (!env.preloaded) {
    return {
      problem: 'not-preloaded',
      message: 'pg_stat_statements is not loaded: it must be listed in shared_preload_libraries, which takes a server restart.',
      fix: [preloadCommand(env.preloadLibraries), '-- then restart PostgreSQL, and in the database pgtop connects to:', `CREATE EXTENSION pg_stat_statements;  -- in database ${ident(env.database)}`],
    };
  }
  if (!installed) {
    return {
      problem: 'not-installed',
      message: `pg_stat_statements is loaded but the extension is not installed in database "${env.database}", the one pgtop is connected to.`,
      fix: [`CREATE EXTENSION pg_stat_statements;  -- as a superuser, in database ${ident(env.database)}`],
    };
  }
  if (!env.superuser && !env.readAllStats) {
    return {
      problem: 'no-privilege',
      message: `role "${env.role}" sees only its own statements: the texts and query ids of other roles' statements are hidden without pg_read_all_stats.`,
      fix: [`GRANT pg_read_all_stats TO ${ident(env.role)};`],
    };
  }
  return null;
}
