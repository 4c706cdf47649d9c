import { UsageError } from '../errors.js';
import { loadMigrations, type LoadedMigration } from './load.js';
import { planUp } from './plan.js';
import { runStep, type StepRecorder } from './run-step.js';
import { changedSincePlan, plannedStep, refuse, runMigrationWork, type RunContext, type RunOptions } from './runner.js';
import { insertAppliedRow, insertStartedRow, markApplied, markFailed, type RowIdentity } from './tracking.js';
import type { CompletedStep, MigrationRunResult } from './types.js';

export interface ApplyOptions extends RunOptions {
  /** Apply pending files up to and including this version. */
  to?: number;
}

function upRecorder(identity: RowIdentity): StepRecorder {
  return {
    inTransaction: (client, durationMs) => insertAppliedRow(client, identity, durationMs),
    beforeOutside: (client) => insertStartedRow(client, identity),
    afterOutside: (client, durationMs) => markApplied(client, identity.version, durationMs),
    failedOutside: (client, message) => markFailed(client, identity.version, message),
  };
}

async function applyPlanned(context: RunContext, files: LoadedMigration[], options: ApplyOptions): Promise<MigrationRunResult> {
  const planned = files.map((file) => plannedStep('up', file.version, file.script));
  const completed: CompletedStep[] = [];
  for (const [index, file] of files.entries()) {
    if (options.signal?.aborted) return context.result('cancelled', { planned, completed });
    const step = await context.stepContext(index, files.length);
    const identity: RowIdentity = {
      version: file.version,
      name: file.fileName,
      checksum: file.script.checksum,
      transactional: file.script.directives.transactional,
      appliedBy: context.session.appliedBy,
    };
    const outcome = await runStep(step, { direction: 'up', version: file.version, script: file.script }, upRecorder(identity));
    if (outcome.status !== 'done') {
      context.audit({ file: file.fileName, result: outcome.status === 'cancelled' ? 'cancelled' : 'failed', message: outcome.failure.message });
      return context.result(outcome.status === 'cancelled' ? 'cancelled' : 'failed', { planned, completed, failure: outcome.failure });
    }
    context.audit({ file: file.fileName, result: 'ok', message: `applied in ${outcome.durationMs} ms` });
    completed.push({ direction: 'up', version: file.version, fileName: file.fileName, durationMs: outcome.durationMs });
  }
  return context.result('done', { planned, completed });
}

/**
 * `pgtop migrate up`: applies the pending migrations in version order, each recorded in
 * pgtop.schema_migrations, stopping at the first failure. Refuses before running anything when the
 * directory and the database disagree (drifted, missing, dirty, out-of-order), a file to apply is
 * invalid, the server is a standby or PgBouncer, or the maintenance lock stays taken (a backup or
 * another migration). Connection errors throw ConnectionError; a bad `to` throws UsageError.
 */
export async function applyMigrations(options: ApplyOptions): Promise<MigrationRunResult> {
  const loaded = loadMigrations(options.dir);
  return runMigrationWork('up', options, async (context) => {
    const { to } = options;
    if (to !== undefined && !loaded.migrations.some((file) => file.version === to) && !context.rows.some((row) => row.version === to)) {
      throw new UsageError(`no migration has version ${to}: --to takes the version of a file in ${options.dir} (for example ${loaded.migrations.at(-1)?.versionText ?? '0001'}).`);
    }
    const plan = planUp(loaded.migrations, context.rows, to === undefined ? {} : { to });
    const planned = plan.toApply.map((file) => plannedStep('up', file.version, file.script));
    const changed = changedSincePlan(options.expectVersions, planned);
    const refusals = changed ? [...plan.refusals, changed] : plan.refusals;
    if (refusals.length > 0) return options.dryRun ? context.result('refused', { planned, refusals }) : refuse(context, planned, refusals);
    context.emit({ type: 'planned', operation: 'up', steps: planned });
    if (options.dryRun) return context.result('dry-run', { planned });
    if (plan.toApply.length === 0) return context.result('nothing-to-do');
    return applyPlanned(context, plan.toApply, options);
  });
}
