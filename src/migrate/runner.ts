import type pg from 'pg';
import { audit } from '../audit/log.js';
import { describeTarget } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { closeQuietly, connect } from '../db/connect.js';
import { describeHolder, maintenanceLockHolder } from '../db/maintenance-lock.js';
import { OperationError, PgtopError, errorMessage } from '../errors.js';
import { DEFAULT_LOCK_TIMEOUT_RETRIES, DEFAULT_RETRY_DELAY_MS, type StepContext } from './run-step.js';
import type { MigrationScript } from './script.js';
import { MIGRATE_APPLICATION_NAME, lockSession, openMigrationSession, type MigrationSession } from './session.js';
import { ensureTrackingTable, readTrackingRows } from './tracking.js';
import type {
  CompletedStep,
  Direction,
  MigrationEvent,
  MigrationEventListener,
  MigrationFailure,
  MigrationOperation,
  MigrationOutcome,
  MigrationRunResult,
  PlannedStep,
  Refusal,
  TrackingRow,
} from './types.js';

/** Options every run (up, down, baseline) takes. */
export interface RunOptions {
  settings: ConnectionSettings;
  /** The migrations directory. */
  dir: string;
  /** Plan and check only: no lock taken, nothing created or changed. */
  dryRun?: boolean;
  /**
   * The versions the caller showed and had confirmed, in order. When the run would execute other
   * files (someone applied or added one since), it refuses instead.
   */
  expectVersions?: readonly number[];
  /** How long to wait for the maintenance lock; default 60 s. */
  lockWaitMs?: number;
  /** Retries of a transactional file after a lock timeout; default 3. */
  lockTimeoutRetries?: number;
  /** Delay before the first retry, doubling after; default 500 ms. */
  retryDelayMs?: number;
  /** May prompt for a password on the terminal. */
  interactive?: boolean;
  /** Aborting stops waiting, cancels the running statement, and runs nothing more. */
  signal?: AbortSignal;
  onEvent?: MigrationEventListener;
  /** Environment that locates the audit log; default process.env. */
  auditEnv?: NodeJS.ProcessEnv;
}

/** What a run's work gets: the checked session (locked unless a dry run) and the tracking rows. */
export interface RunContext {
  session: MigrationSession;
  rows: TrackingRow[];
  emit: MigrationEventListener;
  /** Writes one audit line for this run's target and role. */
  audit(entry: { file?: string; result: 'ok' | 'refused' | 'failed' | 'cancelled'; message: string }): void;
  /** The second connection for running steps, opened on first use. */
  stepContext(index: number, total: number): Promise<StepContext>;
  result(outcome: MigrationOutcome, parts?: { planned?: PlannedStep[]; completed?: CompletedStep[]; refusals?: Refusal[]; failure?: MigrationFailure }): MigrationRunResult;
}

export function plannedStep(direction: Direction, version: number, script: MigrationScript): PlannedStep {
  return {
    direction,
    version,
    fileName: script.fileName,
    transactional: script.directives.transactional,
    lockTimeoutMs: script.directives.lockTimeoutMs,
    statementTimeoutMs: script.directives.statementTimeoutMs,
    statementCount: script.statements.length,
  };
}

/** The refusal for a run whose files differ from the ones the caller confirmed; undefined when they match. */
export function changedSincePlan(expected: readonly number[] | undefined, planned: readonly PlannedStep[]): Refusal | undefined {
  if (!expected) return undefined;
  const actual = planned.map((step) => step.version);
  if (actual.length === expected.length && actual.every((version, i) => version === expected[i])) return undefined;
  return {
    kind: 'changed-since-plan',
    message: `the migrations to run changed since the plan was shown (planned ${expected.join(', ') || 'none'}, now ${actual.join(', ') || 'none'}). Look at the new plan and confirm again.`,
  };
}

/**
 * The frame of every run: connect and check the server, take the maintenance lock (bounded wait),
 * create the tracking table, read it, hand over to `work`; then always release the lock and close
 * every connection. Refusals and failures are audited; `done` is emitted with the result.
 */
export async function runMigrationWork(operation: MigrationOperation, options: RunOptions, work: (context: RunContext) => Promise<MigrationRunResult>): Promise<MigrationRunResult> {
  const listener = options.onEvent;
  const emit: MigrationEventListener = (event: MigrationEvent) => listener?.(event);
  const writeAudit = (target: string, role: string, entry: { file?: string; result: 'ok' | 'refused' | 'failed' | 'cancelled'; message: string }): void => {
    const problem = audit({ action: `migrate-${operation}`, target, role, ...entry }, options.auditEnv);
    if (problem) emit({ type: 'warning', message: problem });
  };
  const finish = (result: MigrationRunResult): MigrationRunResult => {
    emit({ type: 'done', result });
    return result;
  };
  const bare = (target: string, role: string, outcome: MigrationOutcome, refusals: Refusal[] = []): MigrationRunResult => ({
    operation,
    outcome,
    target,
    role,
    planned: [],
    completed: [],
    refusals,
  });

  const opened = await openMigrationSession(options.settings, { interactive: options.interactive, onEvent: emit });
  if ('refusal' in opened) {
    const target = describeTarget(options.settings);
    writeAudit(target, options.settings.user, { result: 'refused', message: opened.refusal.message });
    return finish(bare(target, options.settings.user, 'refused', [opened.refusal]));
  }
  const { session } = opened;
  let watcher: pg.Client | undefined;
  try {
    if (options.dryRun) {
      const holder = await maintenanceLockHolder(session.client);
      if (holder) emit({ type: 'warning', message: `${describeHolder(holder)} holds the maintenance lock now; a real run would wait for it.` });
    } else {
      const locked = await lockSession(session, { timeoutMs: options.lockWaitMs, signal: options.signal, onEvent: emit });
      if (locked === 'cancelled') return finish(bare(session.target, session.role, 'cancelled'));
      if (locked) {
        writeAudit(session.target, session.role, { result: 'refused', message: locked.message });
        return finish(bare(session.target, session.role, 'refused', [locked]));
      }
      await ensureTrackingTable(session.client);
    }
    const rows = await readTrackingRows(session.client);
    const context: RunContext = {
      session,
      rows,
      emit,
      audit: (entry) => writeAudit(session.target, session.role, entry),
      async stepContext(index, total) {
        watcher ??= await connect(options.settings, { applicationName: `${MIGRATE_APPLICATION_NAME}-watch`, statementTimeoutMs: 10_000 });
        return {
          session,
          watcher,
          onEvent: emit,
          ...(options.signal ? { signal: options.signal } : {}),
          lockTimeoutRetries: options.lockTimeoutRetries ?? DEFAULT_LOCK_TIMEOUT_RETRIES,
          retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
          index,
          total,
        };
      },
      result: (outcome, parts = {}) => ({
        operation,
        outcome,
        target: session.target,
        role: session.role,
        planned: parts.planned ?? [],
        completed: parts.completed ?? [],
        refusals: parts.refusals ?? [],
        ...(parts.failure ? { failure: parts.failure } : {}),
      }),
    };
    return finish(await work(context));
  } catch (error) {
    if (error instanceof PgtopError) throw error;
    throw new OperationError(`migrate ${operation} on ${session.target} stopped: ${errorMessage(error)}`, { cause: error });
  } finally {
    await closeQuietly(watcher);
    await session.close();
  }
}

/** Audits each refusal and builds the refused result. */
export function refuse(context: RunContext, planned: PlannedStep[], refusals: Refusal[]): MigrationRunResult {
  for (const refusal of refusals) context.audit({ ...(refusal.fileName ? { file: refusal.fileName } : {}), result: 'refused', message: refusal.message });
  return context.result('refused', { planned, refusals });
}
