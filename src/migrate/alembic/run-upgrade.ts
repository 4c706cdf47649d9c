import { errorMessage } from '../../errors.js';
import { formatMs } from '../describe.js';
import { childApplicationName, type UpgradeContext } from './context.js';
import { alembicErrorLine, isLockTimeout, runAttempt, type AttemptOutcome } from './attempt.js';
import { readCurrentRevisions } from './version-table.js';
import type { AlembicFailure, AlembicRunResult } from './types.js';

const DEFAULT_RETRIES = 3;
const DEFAULT_RETRY_DELAY_MS = 500;

function describeBlockers(outcome: AttemptOutcome): string {
  if (outcome.blockers.length === 0) return '';
  const who = outcome.blockers.map((blocker) => `pid ${blocker.pid}${blocker.applicationName ? ` (${blocker.applicationName})` : ''}${blocker.state ? `, ${blocker.state}` : ''}`);
  return ` It waited for ${who.join('; ')}.`;
}

function failureOf(outcome: AttemptOutcome, attempts: number, before: string[], after: string[]): AlembicFailure {
  const error = alembicErrorLine(outcome.lines);
  const how = outcome.exit.spawnError ? `could not be started: ${errorMessage(outcome.exit.spawnError)}` : outcome.exit.signal ? `was killed by ${outcome.exit.signal}` : `exited with code ${outcome.exit.code ?? '?'}`;
  const moved = after.join(',') !== before.join(',');
  const state = moved
    ? `The database moved from ${before.join(', ') || '<base>'} to ${after.join(', ') || '<base>'} before the failure (revisions that commit one by one stay applied).`
    : `The database is still at ${before.join(', ') || '<base>'}: the failed upgrade was rolled back.`;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const lock = isLockTimeout(outcome.lines) ? ' A statement waited longer than lock_timeout for a lock;' : '';
  return {
    message: `alembic upgrade ${how}${tries}:${lock} ${error ?? 'see its output above'}.${describeBlockers(outcome)} ${state}`,
    alembicError: error,
    exitCode: outcome.exit.code,
    blockers: outcome.blockers,
  };
}

async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** Runs `alembic upgrade TARGET`, again after a lock timeout (the transaction rolled back), and audits how it ended. */
export async function runUpgrade(context: UpgradeContext, before: string[], upgradeTo: string): Promise<AlembicRunResult> {
  const { options, session } = context;
  const maxAttempts = 1 + (options.lockTimeoutRetries ?? DEFAULT_RETRIES);
  const args = ['upgrade', upgradeTo];
  const started = Date.now();
  let delay = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  for (let attempt = 1; ; attempt += 1) {
    const applicationName = childApplicationName();
    context.emit({ type: 'alembic-started', attempt, maxAttempts, applicationName, args });
    const outcome = await runAttempt({
      command: context.command,
      args,
      cwd: context.project.dir,
      env: await context.childEnv(applicationName),
      applicationName,
      watcher: await context.watcher(),
      database: session.settings.database,
      signal: options.signal,
      emit: context.emit,
    });
    if (!outcome.backendSeen && outcome.exit.code === 0) {
      context.emit({ type: 'warning', message: `pgtop did not see the child's session (application_name ${applicationName}): its driver ignores PGAPPNAME or its URL sets application_name, so blockers could not be shown and lock_timeout may not have applied.` });
    }
    const after = (await readCurrentRevisions(session.client, context.project)).revisions;
    if (outcome.otherDatabase !== undefined) {
      const message = `the project connected to database "${outcome.otherDatabase}", not "${session.settings.database}" where pgtop holds the lock: pgtop stopped it. Make env.py use DATABASE_URL or the PG* variables. Revisions now: ${after.join(', ') || '<base>'}.`;
      context.audit('failed', message);
      return context.result({ outcome: 'failed', after, attempts: attempt, failure: { message, alembicError: undefined, exitCode: outcome.exit.code, blockers: [] } });
    }
    if (outcome.cancelled) {
      const message = `cancelled after ${formatMs(Date.now() - started)}; revisions now ${after.join(', ') || '<base>'} (were ${before.join(', ') || '<base>'}).`;
      context.audit('cancelled', message);
      return context.result({ outcome: 'cancelled', after, attempts: attempt });
    }
    if (outcome.exit.code === 0) {
      context.audit('ok', `upgraded ${before.join(', ') || '<base>'} -> ${after.join(', ') || '<base>'} (alembic upgrade ${upgradeTo}) in ${formatMs(Date.now() - started)}`);
      return context.result({ outcome: 'done', after, attempts: attempt });
    }
    if (isLockTimeout(outcome.lines) && attempt < maxAttempts) {
      context.emit({ type: 'alembic-retry', attempt: attempt + 1, maxAttempts, delayMs: delay, reason: alembicErrorLine(outcome.lines) ?? 'lock timeout', blockers: outcome.blockers });
      await sleep(delay, options.signal);
      delay *= 2;
      if (!options.signal?.aborted) continue;
    }
    const failure = failureOf(outcome, attempt, before, after);
    context.audit(options.signal?.aborted ? 'cancelled' : 'failed', failure.message);
    return context.result({ outcome: options.signal?.aborted ? 'cancelled' : 'failed', after, attempts: attempt, failure });
  }
}
