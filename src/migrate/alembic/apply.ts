import type pg from 'pg';
import { audit } from '../../actions/audit.js';
import { writePassfile, type Passfile } from '../../backup/passfile.js';
import { describeTarget } from '../../config/resolve.js';
import { closeQuietly, connect } from '../../db/connect.js';
import { describeHolder, maintenanceLockHolder } from '../../db/maintenance-lock.js';
import { UsageError } from '../../errors.js';
import { MIGRATE_APPLICATION_NAME, lockSession, openMigrationSession } from '../session.js';
import { findAlembic } from './alembic-command.js';
import type { AlembicRunOptions, UpgradeContext } from './context.js';
import { offlineSql } from './offline.js';
import { alembicEnvironment, DEFAULT_CHILD_TIMEOUTS } from './child-env.js';
import { readProjectGraph } from './project-graph.js';
import { runUpgrade } from './run-upgrade.js';
import { readAlembicStatusWith } from './status.js';
import type { MigrationEventListener } from '../types.js';
import type { AlembicEvent, AlembicEventListener, AlembicRefusal, AlembicRunResult } from './types.js';


function changedSincePlan(expected: readonly string[] | undefined, pending: readonly { revision: string }[]): AlembicRefusal | undefined {
  if (!expected) return undefined;
  const actual = pending.map((revision) => revision.revision);
  if (actual.length === expected.length && actual.every((id, i) => id === expected[i])) return undefined;
  return { kind: 'changed-since-plan', message: `the revisions to run changed since the plan was shown (planned ${expected.join(', ') || 'none'}, now ${actual.join(', ') || 'none'}). Look at the new plan and confirm again.` };
}

/**
 * `alembic upgrade` with pgtop's guards: a primary reached directly, the maintenance lock held for the
 * whole run, the database's revisions known to the scripts, nothing half-applied; the child runs with
 * lock_timeout and statement_timeout, its backend watched for blockers, and the run audited.
 */
export async function applyAlembic(options: AlembicRunOptions): Promise<AlembicRunResult> {
  const emit: AlembicEventListener = (event: AlembicEvent) => options.onEvent?.(event);
  const env = options.env ?? process.env;
  const upgradeTo = options.upgradeTo ?? 'head';
  const command = findAlembic(env);
  if (!command) throw new UsageError('alembic is not installed (not on PATH): install it (apt-get install alembic, or pip install alembic in the project\'s virtualenv and activate it), then run again.');
  const graph = await readProjectGraph(options.alembic, { env });
  emit({ type: 'alembic-graph', source: graph.source, note: graph.note });
  const target = describeTarget(options.settings);
  const base = { target, role: options.settings.user, projectDir: graph.project.dir, upgradeTo, before: [], after: [], planned: [], refusals: [], attempts: 0 };
  const writeAudit = (role: string, result: 'ok' | 'refused' | 'failed' | 'cancelled', message: string): void => {
    const problem = audit({ action: 'migrate-alembic-up', target, role, file: graph.project.iniPath, result, message }, options.auditEnv);
    if (problem) emit({ type: 'warning', message: problem });
  };
  const shared: MigrationEventListener = (event) => {
    if (event.type === 'connected' || event.type === 'lock-waiting' || event.type === 'lock-acquired' || event.type === 'warning') emit(event);
  };
  const finish = (result: AlembicRunResult): AlembicRunResult => {
    emit({ type: 'alembic-done', result });
    return result;
  };

  const opened = await openMigrationSession(options.settings, { interactive: options.interactive, onEvent: shared });
  if ('refusal' in opened) {
    writeAudit(options.settings.user, 'refused', opened.refusal.message);
    return finish({ ...base, outcome: 'refused', refusals: [opened.refusal] });
  }
  const { session } = opened;
  let watcher: pg.Client | undefined;
  let passfile: Passfile | undefined;
  try {
    if (options.dryRun) {
      const holder = await maintenanceLockHolder(session.client);
      if (holder) emit({ type: 'warning', message: `${describeHolder(holder)} holds the maintenance lock now; a real run would wait for it.` });
    } else {
      const locked = await lockSession(session, { timeoutMs: options.lockWaitMs, signal: options.signal, onEvent: shared });
      if (locked === 'cancelled') return finish({ ...base, role: session.role, outcome: 'cancelled' });
      if (locked) {
        writeAudit(session.role, 'refused', locked.message);
        return finish({ ...base, role: session.role, outcome: 'refused', refusals: [locked] });
      }
    }
    const status = await readAlembicStatusWith(session.client, options.settings, graph, upgradeTo);
    for (const warning of status.warnings) emit({ type: 'warning', message: warning });
    const known = { ...base, role: session.role, before: status.current, after: status.current, planned: status.pending };
    const changed = changedSincePlan(options.expectRevisions, status.pending);
    const refusals = [...status.refusals, ...(changed ? [changed] : [])];
    if (refusals.length > 0) {
      for (const refusal of refusals) writeAudit(session.role, 'refused', refusal.message);
      return finish({ ...known, outcome: 'refused', refusals });
    }
    emit({ type: 'alembic-planned', before: status.current, upgradeTo, pending: status.pending });
    if (status.pending.length === 0) return finish({ ...known, outcome: 'nothing-to-do' });
    const context: UpgradeContext = {
      options,
      session,
      project: graph.project,
      command,
      emit,
      watcher: async () => (watcher ??= await connect(options.settings, { applicationName: `${MIGRATE_APPLICATION_NAME}-watch`, statementTimeoutMs: 10_000 })),
      childEnv: async (applicationName) => {
        if (options.settings.password && !passfile) passfile = await writePassfile(options.settings.password);
        const timeouts = { ...DEFAULT_CHILD_TIMEOUTS, ...options.timeouts };
        return alembicEnvironment(options.settings, { applicationName, timeouts, passfilePath: passfile?.path, parentPid: process.pid }, env);
      },
      result: (parts) => ({ ...known, ...parts }),
      audit: (result, message) => writeAudit(session.role, result, message),
    };
    return finish(options.dryRun ? await offlineSql(context, status.current, upgradeTo) : await runUpgrade(context, status.current, upgradeTo));
  } finally {
    await closeQuietly(watcher);
    await passfile?.remove();
    await session.close();
  }
}
