import { resolve } from 'node:path';
import { audit } from '../../audit/log.js';
import type { ConnectionSettings } from '../../config/types.js';
import { applyRetention } from '../files/retention.js';
import type { ProgressTracker } from './progress.js';

export interface KeepOptions {
  dir: string;
  settings: ConnectionSettings;
  /** How the audit log names the server. */
  target: string;
  keep: number;
  tracker: ProgressTracker;
  /** Where problems that do not fail the backup go. */
  warnings: string[];
  env: NodeJS.ProcessEnv;
}

/** --keep after a backup: deletes the older verified dumps of the database, audits each; returns their names. */
export async function keepNewest(options: KeepOptions): Promise<string[]> {
  const { dir, settings, target, keep, tracker, warnings, env } = options;
  const deleted: string[] = [];
  const retention = await applyRetention({
    dir,
    database: settings.database,
    host: settings.host,
    port: settings.port,
    keep,
    onDeleted: (file) => {
      deleted.push(file);
      tracker.notice('info', `deleted ${file} (--keep ${keep})`);
      const problem = audit({ action: 'backup-retention', target, role: settings.user, file: resolve(dir, file), result: 'ok', message: `deleted by --keep ${keep}` }, env);
      if (problem) warnings.push(problem);
    },
  });
  for (const problem of retention.errors) {
    warnings.push(problem);
    tracker.notice('warning', problem);
    audit({ action: 'backup-retention', target, role: settings.user, result: 'failed', message: problem }, env);
  }
  return deleted;
}
