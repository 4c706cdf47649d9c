import { UsageError } from '../errors.js';
import { loadMigrations } from './load.js';
import { planDown } from './plan.js';
import { runStep, type StepRecorder } from './run-step.js';
import { changedSincePlan, plannedStep, refuse, runMigrationWork, type RunOptions } from './runner.js';
import { deleteRow, markFailed, markStarted } from './tracking.js';
import type { CompletedStep, MigrationRunResult } from './types.js';

export interface RevertOptions extends RunOptions {
  /** Revert every recorded migration newer than this version (0 reverts all). */
  to: number;
}

function downRecorder(version: number): StepRecorder {
  return {
    inTransaction: (client) => deleteRow(client, version),
    beforeOutside: (client) => markStarted(client, version),
    afterOutside: (client) => deleteRow(client, version),
    failedOutside: (client, message) => markFailed(client, version, message),
  };
}

/**
 * `pgtop migrate down --to V`: reverts the recorded migrations newer than V, newest first, each with its
 * `.down.sql` in a transaction that also deletes its tracking row. Refuses before running anything when
 * one of them has no usable down file or is dirty, drifted or missing.
 */
export async function revertMigrations(options: RevertOptions): Promise<MigrationRunResult> {
  if (!Number.isSafeInteger(options.to) || options.to < 0) throw new UsageError(`--to must be a version number (0 or more), not ${options.to}`);
  const loaded = loadMigrations(options.dir);
  return runMigrationWork('down', options, async (context) => {
    const plan = planDown(loaded.migrations, context.rows, options.to);
    const planned = plan.toRevert.flatMap(({ file }) => (file.downScript ? [plannedStep('down', file.version, file.downScript)] : []));
    const changed = changedSincePlan(options.expectVersions, planned);
    const refusals = changed ? [...plan.refusals, changed] : plan.refusals;
    if (refusals.length > 0) return options.dryRun ? context.result('refused', { planned, refusals }) : refuse(context, planned, refusals);
    context.emit({ type: 'planned', operation: 'down', steps: planned });
    if (options.dryRun) return context.result('dry-run', { planned });
    if (planned.length === 0) return context.result('nothing-to-do');

    const completed: CompletedStep[] = [];
    for (const [index, { file }] of plan.toRevert.entries()) {
      const script = file.downScript;
      if (!script) continue;
      if (options.signal?.aborted) return context.result('cancelled', { planned, completed });
      const step = await context.stepContext(index, planned.length);
      const outcome = await runStep(step, { direction: 'down', version: file.version, script }, downRecorder(file.version));
      if (outcome.status !== 'done') {
        context.audit({ file: script.fileName, result: outcome.status === 'cancelled' ? 'cancelled' : 'failed', message: outcome.failure.message });
        return context.result(outcome.status === 'cancelled' ? 'cancelled' : 'failed', { planned, completed, failure: outcome.failure });
      }
      context.audit({ file: script.fileName, result: 'ok', message: `reverted ${file.fileName} in ${outcome.durationMs} ms` });
      completed.push({ direction: 'down', version: file.version, fileName: script.fileName, durationMs: outcome.durationMs });
    }
    return context.result('done', { planned, completed });
  });
}
