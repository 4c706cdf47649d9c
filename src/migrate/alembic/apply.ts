import type pg from 'pg';
import { audit } from '../../audit/log.js';
import { removeStalePassfiles, writePassfileOnDisk } from '../../backup/dump/passfile.js';

type Passfile = Awaited<ReturnType<typeof writePassfileOnDisk>>;
import { describeTarget } from '../../config/resolve.js';
import { closeQuietly, connect } from '../../db/connect.js';
import { describeHolder, maintenanceLockHolder } from '../../db/maintenance-lock.js';
import { UsageError } from '../../errors.js';
import { MIGRATE_APPLICATION_NAME, lockSession, openMigrationSession, type MigrationSession } from '../session.js';
import type { MigrationEventListener } from '../types.js';
import { findAlembic, type AlembicCommand } from './alembic-command.js';
import { alembicEnvironment, DEFAULT_CHILD_TIMEOUTS } from './child-env.js';
import type { AlembicRunOptions, UpgradeContext } from './context.js';
import { offlineSql } from './offline.js';
import { readProjectGraph } from './project-graph.js';
import { runUpgrade } from './run-upgrade.js';
import { readAlembicStatusWith } from './status.js';
import type { AlembicEventListener, AlembicRefusal, AlembicRunResult, ProjectGraph } from './types.js';

type AuditResult = 'ok' | 'refused' | 'failed' | 'cancelled';

/** What every stage of a run shares. */
interface RunFrame {
  options: AlembicRunOptions;
  graph: ProjectGraph;
  command: AlembicCommand;
  emit: AlembicEventListener;
  base: AlembicRunResult;
  audit(role: string, result: AuditResult, message: string): void;
}

function changedSincePlan(expected: readonly string[] | undefined, pending: readonly { revision: string }[]): AlembicRefusal | undefined {
  if (!expected) return undefined;
  const actual = pending.map((revision) => revision.revision);
  if (actual.length === expected.length && actual.every((id, i) => id === expected[i])) return undefined;
  return { kind: 'changed-since-plan', message: `the revisions to run changed since the plan was shown (planned ${expected.join(', ') || 'none'}, now ${actual.join(', ') || 'none'}). Look at the new plan and confirm again.` };
}

async function prepare(options: AlembicRunOptions): Promise<RunFrame> {
  const emit: AlembicEventListener = (event) => options.onEvent?.(event);
  const env = options.env ?? process.env;
  const command = findAlembic(env);
  if (!command) throw new UsageError("alembic is not installed (not on PATH): install it (apt-get install alembic, or pip install alembic in the project's virtualenv and activate it), then run again.");
  const graph = await readProjectGraph(options.alembic, { env });
  emit({ type: 'alembic-graph', source: graph.source, note: graph.note });
  const target = describeTarget(options.settings);
  return {
    options,
    graph,
    command,
    emit,
    base: { outcome: 'refused', target, role: options.settings.user, projectDir: graph.project.dir, upgradeTo: options.upgradeTo ?? 'head', before: [], after: [], planned: [], refusals: [], attempts: 0 },
    audit(role, result, message) {
      const problem = audit({ action: 'migrate-alembic-up', target, role, file: graph.project.iniPath, result, message }, options.auditEnv);
      if (problem) emit({ type: 'warning', message: problem });
    },
  };
}

/** Takes the maintenance lock (or, for a dry run, only says who holds it). Returns a result when the run stops here. */
async function guard(frame: RunFrame, session: MigrationSession): Promise<AlembicRunResult | undefined> {
  const { options } = frame;
  if (options.dryRun) {
    const holder = await maintenanceLockHolder(session.client);
    if (holder) frame.emit({ type: 'warning', message: `${describeHolder(holder)} holds the maintenance lock now; a real run would wait for it.` });
    return undefined;
  }
  const locked = await lockSession(session, { timeoutMs: options.lockWaitMs, signal: options.signal, onEvent: sharedEvents(frame.emit) });
  if (locked === 'cancelled') return { ...frame.base, role: session.role, outcome: 'cancelled' };
  if (!locked) return undefined;
  frame.audit(session.role, 'refused', locked.message);
  return { ...frame.base, role: session.role, outcome: 'refused', refusals: [locked] };
}

const sharedEvents =
  (emit: AlembicEventListener): MigrationEventListener =>
  (event) => {
    if (event.type === 'connected' || event.type === 'lock-waiting' || event.type === 'lock-acquired' || event.type === 'warning') emit(event);
  };

/** Plans from the database's revisions and runs the child (or offline mode), on the checked, locked session. */
async function planAndRun(frame: RunFrame, session: MigrationSession, resources: { watcher?: pg.Client; passfile?: Passfile }): Promise<AlembicRunResult> {
  const { options, emit, base } = frame;
  const status = await readAlembicStatusWith(session.client, options.settings, frame.graph, base.upgradeTo);
  for (const warning of status.warnings) emit({ type: 'warning', message: warning });
  const known: AlembicRunResult = { ...base, role: session.role, before: status.current, after: status.current, planned: status.pending };
  const changed = changedSincePlan(options.expectRevisions, status.pending);
  const refusals = [...status.refusals, ...(changed ? [changed] : [])];
  if (refusals.length > 0) {
    for (const refusal of refusals) frame.audit(session.role, 'refused', refusal.message);
    return { ...known, outcome: 'refused', refusals };
  }
  emit({ type: 'alembic-planned', before: status.current, upgradeTo: base.upgradeTo, pending: status.pending });
  if (status.pending.length === 0) return { ...known, outcome: 'nothing-to-do' };
  const context: UpgradeContext = {
    options,
    session,
    project: frame.graph.project,
    command: frame.command,
    emit,
    watcher: async () => (resources.watcher ??= await connect(options.settings, { applicationName: `${MIGRATE_APPLICATION_NAME}-watch`, statementTimeoutMs: 10_000 })),
    childEnv: async (applicationName) => {
      if (options.settings.password && !resources.passfile) {
        await removeStalePassfiles();
        resources.passfile = await writePassfileOnDisk(options.settings.password);
      }
      const timeouts = { ...DEFAULT_CHILD_TIMEOUTS, ...options.timeouts };
      return alembicEnvironment(options.settings, { applicationName, timeouts, passfilePath: resources.passfile?.path, parentPid: process.pid }, options.env ?? process.env);
    },
    result: (parts) => ({ ...known, ...parts }),
    audit: (result, message) => frame.audit(session.role, result, message),
  };
  return options.dryRun ? offlineSql(context, status.current, base.upgradeTo) : runUpgrade(context, status.current, base.upgradeTo);
}

/**
 * `alembic upgrade` with pgtop's guards: a primary reached directly, the maintenance lock held for the
 * whole run, the database's revisions known to the scripts, nothing half-applied; the child runs with
 * lock_timeout and statement_timeout, its backend watched for blockers, and the run audited.
 */
export async function applyAlembic(options: AlembicRunOptions): Promise<AlembicRunResult> {
  const frame = await prepare(options);
  const finish = (result: AlembicRunResult): AlembicRunResult => {
    frame.emit({ type: 'alembic-done', result });
    return result;
  };
  const opened = await openMigrationSession(options.settings, { interactive: options.interactive, onEvent: sharedEvents(frame.emit) });
  if ('refusal' in opened) {
    frame.audit(options.settings.user, 'refused', opened.refusal.message);
    return finish({ ...frame.base, outcome: 'refused', refusals: [opened.refusal] });
  }
  const { session } = opened;
  const resources: { watcher?: pg.Client; passfile?: Passfile } = {};
  try {
    return finish((await guard(frame, session)) ?? (await planAndRun(frame, session, resources)));
  } finally {
    await closeQuietly(resources.watcher);
    await resources.passfile?.remove();
    await session.close();
  }
}
