import type pg from 'pg';
import { BlockerWatch } from './blockers.js';
import { concurrentIndexTarget, invalidIndexes } from './concurrent-index.js';
import { statementExcerpt } from './describe.js';
import { DEADLOCK_DETECTED, LOCK_NOT_AVAILABLE, describeFailure } from './failure.js';
import type { MigrationScript } from './script.js';
import { asServerError } from './server-error.js';
import type { MigrationSession } from './session.js';
import type { SqlStatement } from './split.js';
import type { Direction, MigrationEventListener, MigrationFailure } from './types.js';

export const DEFAULT_LOCK_TIMEOUT_RETRIES = 3;
export const DEFAULT_RETRY_DELAY_MS = 500;

export interface StepContext {
  session: MigrationSession;
  /** A second connection: watches for blockers, cancels on abort, records failures. */
  watcher: pg.Client;
  onEvent: MigrationEventListener;
  signal?: AbortSignal;
  /** Retries after a lock timeout or deadlock (transactional files only). */
  lockTimeoutRetries: number;
  /** The first retry waits this long; each next one twice as long. */
  retryDelayMs: number;
  index: number;
  total: number;
}

export interface Step {
  direction: Direction;
  version: number;
  script: MigrationScript;
}

/** How the tracking table follows a step. */
export interface StepRecorder {
  /** Transactional files: runs inside the file's transaction, after its last statement. */
  inTransaction(client: pg.Client, durationMs: number): Promise<void>;
  /** No-transaction files: committed before the statement runs. */
  beforeOutside(client: pg.Client): Promise<void>;
  /** No-transaction files: after the statement succeeded. */
  afterOutside(client: pg.Client, durationMs: number): Promise<void>;
  /** No-transaction files: after the statement failed, given what went wrong. */
  failedOutside(client: pg.Client, summary: string): Promise<void>;
}

export type StepResult = { status: 'done'; durationMs: number } | { status: 'failed' | 'cancelled'; failure: MigrationFailure };

class StepError extends Error {
  constructor(
    readonly reason: unknown,
    readonly statement?: SqlStatement,
  ) {
    super('step failed');
  }
}

class Cancelled extends Error {
  constructor() {
    super('cancelled by the user');
  }
}

const ms = (value: number): string => `'${Math.round(value)}ms'`;

function sleep(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, delayMs);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Runs one statement; an abort meanwhile cancels it on the server (pg_cancel_backend from the watcher). */
async function runStatement(ctx: StepContext, sql: string): Promise<void> {
  if (ctx.signal?.aborted) throw new Cancelled();
  const cancel = (): void => {
    ctx.watcher.query('SELECT pg_cancel_backend($1)', [ctx.session.backendPid]).catch(() => undefined);
  };
  ctx.signal?.addEventListener('abort', cancel, { once: true });
  try {
    await ctx.session.client.query(sql);
  } finally {
    ctx.signal?.removeEventListener('abort', cancel);
  }
}

async function runStatements(ctx: StepContext, step: Step): Promise<void> {
  const { statements } = step.script;
  for (const [index, statement] of statements.entries()) {
    ctx.onEvent({
      type: 'statement-started',
      direction: step.direction,
      version: step.version,
      fileName: step.script.fileName,
      line: statement.line,
      index,
      count: statements.length,
      excerpt: statementExcerpt(statement.text),
    });
    try {
      await runStatement(ctx, statement.text);
    } catch (error) {
      throw new StepError(error, statement);
    }
  }
}

async function attemptInTransaction(ctx: StepContext, step: Step, recorder: StepRecorder, startedAt: number): Promise<void> {
  const { client } = ctx.session;
  const { lockTimeoutMs, statementTimeoutMs } = step.script.directives;
  try {
    await client.query(`BEGIN; SET LOCAL lock_timeout = ${ms(lockTimeoutMs)}; SET LOCAL statement_timeout = ${ms(statementTimeoutMs)}`);
    await runStatements(ctx, step);
    if (ctx.signal?.aborted) throw new Cancelled();
    await recorder.inTransaction(client, Date.now() - startedAt);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error instanceof StepError ? error : new StepError(error);
  }
}

async function attemptOutside(ctx: StepContext, step: Step, recorder: StepRecorder, startedAt: number): Promise<{ indexInvalid: boolean; concurrentIndex?: string }> {
  const { client } = ctx.session;
  const { lockTimeoutMs, statementTimeoutMs } = step.script.directives;
  if (ctx.signal?.aborted) throw new StepError(new Cancelled());
  try {
    await recorder.beforeOutside(client);
    await client.query(`SET lock_timeout = ${ms(lockTimeoutMs)}; SET statement_timeout = ${ms(statementTimeoutMs)}`);
  } catch (error) {
    throw new StepError(error);
  }
  await runStatements(ctx, step);
  const statement = step.script.statements[0];
  const target = statement ? concurrentIndexTarget(statement) : undefined;
  if (target) {
    const invalid = await invalidIndexes(client, target);
    if (invalid.length > 0) return { indexInvalid: true, concurrentIndex: invalid.join(', ') };
  }
  try {
    await client.query('RESET lock_timeout; RESET statement_timeout');
    await recorder.afterOutside(client, Date.now() - startedAt);
  } catch (error) {
    throw new StepError(error);
  }
  return { indexInvalid: false };
}

/** The index a failed CREATE INDEX CONCURRENTLY may have left behind, for the cleanup advice. */
async function leftoverIndex(ctx: StepContext, statement: SqlStatement | undefined): Promise<string | undefined> {
  const target = statement ? concurrentIndexTarget(statement) : undefined;
  if (!target) return undefined;
  const invalid = await invalidIndexes(ctx.watcher, target).catch(() => []);
  return invalid.length > 0 ? invalid.join(', ') : undefined;
}

function fileStarted(ctx: StepContext, step: Step, attempt: number, maxAttempts: number): void {
  ctx.onEvent({
    type: 'file-started',
    direction: step.direction,
    version: step.version,
    fileName: step.script.fileName,
    transactional: step.script.directives.transactional,
    attempt,
    maxAttempts,
    index: ctx.index,
    total: ctx.total,
    statementCount: step.script.statements.length,
  });
}

/**
 * Runs one migration file. A transactional file runs in its own transaction with SET LOCAL timeouts and
 * is recorded inside it; a lock timeout or deadlock rolls it back and retries with backoff. A
 * no-transaction file is recorded as started, runs its one statement with session timeouts, is checked
 * for an INVALID index after CREATE INDEX CONCURRENTLY, and is then recorded as done; on failure the
 * record stays started (dirty). Session settings the file made are reset afterwards.
 */
export async function runStep(ctx: StepContext, step: Step, recorder: StepRecorder): Promise<StepResult> {
  const transactional = step.script.directives.transactional;
  const maxAttempts = transactional ? 1 + ctx.lockTimeoutRetries : 1;
  const startedAt = Date.now();
  const watch = new BlockerWatch(ctx.watcher, ctx.session.backendPid, (blockers) =>
    ctx.onEvent({ type: 'blocked', direction: step.direction, version: step.version, fileName: step.script.fileName, blockers }),
  );
  const remaining = ctx.total - ctx.index - 1;

  try {
    for (let attempt = 1; ; attempt++) {
      fileStarted(ctx, step, attempt, maxAttempts);
      watch.start();
      let failure: StepError | undefined;
      let outcome: { indexInvalid: boolean; concurrentIndex?: string } = { indexInvalid: false };
      try {
        if (transactional) await attemptInTransaction(ctx, step, recorder, startedAt);
        else outcome = await attemptOutside(ctx, step, recorder, startedAt);
      } catch (error) {
        failure = error instanceof StepError ? error : new StepError(error);
      }
      const blockers = await watch.stop();

      if (!failure && !outcome.indexInvalid) {
        const durationMs = Date.now() - startedAt;
        ctx.onEvent({ type: 'file-applied', direction: step.direction, version: step.version, fileName: step.script.fileName, durationMs });
        return { status: 'done', durationMs };
      }

      const reason = failure?.reason;
      const statement = failure ? failure.statement : step.script.statements[0];
      const server = asServerError(reason);
      const cancelled = reason instanceof Cancelled || ctx.signal?.aborted === true;
      const retryable = server.code === LOCK_NOT_AVAILABLE || server.code === DEADLOCK_DETECTED;
      if (failure && retryable && !cancelled && attempt < maxAttempts) {
        const delayMs = ctx.retryDelayMs * 2 ** (attempt - 1);
        ctx.onEvent({ type: 'retry', direction: step.direction, version: step.version, fileName: step.script.fileName, attempt: attempt + 1, maxAttempts, delayMs, blockers, serverMessage: server.message });
        await sleep(delayMs, ctx.signal);
        if (!ctx.signal?.aborted) continue;
      }

      const stopped = cancelled || ctx.signal?.aborted === true;
      const concurrentIndex = outcome.indexInvalid ? outcome.concurrentIndex : transactional ? undefined : await leftoverIndex(ctx, statement);
      const report = describeFailure({
        direction: step.direction,
        version: step.version,
        script: step.script,
        ...(statement ? { statement } : {}),
        error: failure ? server : { message: `the index ${concurrentIndex ?? ''} is INVALID` },
        attempts: attempt,
        blockers,
        cancelled: stopped,
        remaining,
        ...(concurrentIndex !== undefined ? { concurrentIndex } : {}),
        indexInvalid: outcome.indexInvalid,
      });
      if (!transactional) await recorder.failedOutside(ctx.watcher, report.summary).catch(() => undefined);
      ctx.onEvent({ type: 'file-failed', failure: report });
      return { status: stopped ? 'cancelled' : 'failed', failure: report };
    }
  } finally {
    await ctx.session.client.query('RESET ALL').catch(() => undefined);
  }
}
