import { UsageError } from '../errors.js';
import { loadMigrations } from './load.js';
import { runMigrationWork, type RunOptions } from './runner.js';
import { insertBaselineRows } from './tracking.js';
import type { CompletedStep, MigrationRunResult } from './types.js';

export interface BaselineOptions extends Omit<RunOptions, 'dryRun' | 'expectVersions'> {
  /** Every file up to and including this version is marked `baseline`. */
  version: number;
}

/**
 * `pgtop migrate baseline V`: for a database whose schema already exists, records every migration file
 * up to V as `baseline` without running it, so that `up` starts after V. Versions already recorded are
 * left as they are.
 */
export async function baselineMigrations(options: BaselineOptions): Promise<MigrationRunResult> {
  const loaded = loadMigrations(options.dir);
  const target = loaded.migrations.find((file) => file.version === options.version);
  if (!target) {
    throw new UsageError(`no migration has version ${options.version}: baseline takes the version of a file in ${options.dir}.`);
  }
  return runMigrationWork('baseline', options, async (context) => {
    const recorded = new Set(context.rows.map((row) => row.version));
    const files = loaded.migrations.filter((file) => file.version <= options.version && !recorded.has(file.version));
    const inserted = new Set(
      await insertBaselineRows(
        context.session.client,
        files.map((file) => ({
          version: file.version,
          name: file.fileName,
          checksum: file.script.checksum,
          transactional: file.script.directives.transactional,
          appliedBy: context.session.appliedBy,
        })),
      ),
    );
    const completed: CompletedStep[] = [];
    for (const file of files.filter((candidate) => inserted.has(candidate.version))) {
      context.emit({ type: 'file-baselined', version: file.version, fileName: file.fileName });
      context.audit({ file: file.fileName, result: 'ok', message: 'recorded as baseline (not run)' });
      completed.push({ direction: 'up', version: file.version, fileName: file.fileName, durationMs: 0 });
    }
    return context.result(completed.length > 0 ? 'done' : 'nothing-to-do', { completed });
  });
}
