import { childApplicationName, type UpgradeContext } from './context.js';
import { alembicErrorLine } from './attempt.js';
import { startAlembic } from './child.js';
import type { AlembicRunResult } from './types.js';

/** The revision range offline mode needs: it cannot read the database, so it is told where it starts. */
export function offlineRange(current: readonly string[], upgradeTo: string): string | { error: string } {
  if (current.length === 0) return upgradeTo;
  if (current.length === 1) return `${current[0]}:${upgradeTo}`;
  return { error: `the database is at ${current.length} revisions (${current.join(', ')}), and Alembic's offline mode starts from one: upgrade to one branch at a time to see its SQL.` };
}

/** The dry run: Alembic's offline mode (`upgrade FROM:TO --sql`) prints the SQL it would run; nothing connects. */
export async function offlineSql(context: UpgradeContext, before: string[], upgradeTo: string): Promise<AlembicRunResult> {
  const range = offlineRange(before, upgradeTo);
  if (typeof range !== 'string') return context.result({ outcome: 'refused', refusals: [{ kind: 'target', message: range.error }] });
  const args = ['upgrade', range, '--sql'];
  const sql: string[] = [];
  const errors: string[] = [];
  const child = startAlembic(context.command, args, {
    cwd: context.project.dir,
    env: await context.childEnv(childApplicationName()),
    onLine: (stream, line) => {
      if (stream === 'stdout') sql.push(line);
      else {
        errors.push(line);
        context.emit({ type: 'alembic-output', stream, line });
      }
    },
  });
  const cancel = (): void => void child.stop();
  context.options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    const exit = await child.exited;
    if (context.options.signal?.aborted) return context.result({ outcome: 'cancelled' });
    if (exit.code !== 0) {
      const error = alembicErrorLine(errors) ?? alembicErrorLine(sql);
      const message = `alembic upgrade ${range} --sql exited with code ${exit.code ?? exit.signal ?? '?'}: ${error ?? 'see its output above'}. Nothing was changed.`;
      return context.result({ outcome: 'failed', failure: { message, alembicError: error, exitCode: exit.code, blockers: [] } });
    }
    return context.result({ outcome: 'dry-run', sql: `${sql.join('\n')}\n` });
  } finally {
    context.options.signal?.removeEventListener('abort', cancel);
  }
}
