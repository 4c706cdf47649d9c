import type { ConnectionSettings } from '../../config/types.js';
import { closeQuietly, connect } from '../../db/connect.js';
import { OperationError } from '../../errors.js';
import { applyAlembic } from '../../migrate/alembic/apply.js';
import { formatAlembicEvent, formatAlembicStatus } from '../../migrate/alembic/report.js';
import { readAlembicStatus } from '../../migrate/alembic/status.js';
import type { AlembicEventListener, AlembicRunResult, AlembicStatus } from '../../migrate/alembic/types.js';
import { historyFindings } from '../../migrate/history/findings.js';
import { readToolHistories } from '../../migrate/history/read-history.js';
import { formatHistories } from '../../migrate/history/report.js';
import { MIGRATE_APPLICATION_NAME } from '../../migrate/session.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import type { MigrateIo } from './migrate.js';
import { terminalSafeJson } from '../snapshot/snapshot-json.js';

export interface AlembicCommandOptions {
  settings: ConnectionSettings;
  alembic: string;
  interactive: boolean;
  io: MigrateIo;
}

function statusDocument(status: AlembicStatus): unknown {
  const { graph } = status.graph;
  return {
    target: status.target,
    role: status.role,
    project: status.graph.project.dir,
    graph_source: status.graph.source,
    version_table: status.versionTable,
    current: status.current,
    heads: graph.heads,
    branch_points: graph.branchPoints,
    merges: graph.merges,
    pending: status.pending.map((revision) => ({ revision: revision.revision, down_revisions: revision.downRevisions, message: revision.message, path: revision.path })),
    unreadable: status.graph.unreadable,
    refusals: status.refusals,
    warnings: status.warnings,
  };
}

export async function alembicStatusCommand(options: AlembicCommandOptions & { json: boolean }): Promise<number> {
  const status = await readAlembicStatus({ settings: options.settings, alembic: options.alembic, interactive: options.interactive, env: options.io.env });
  options.io.stdout.write(options.json ? `${terminalSafeJson(statusDocument(status), 2)}\n` : `${formatAlembicStatus(status)}\n`);
  return 0;
}

function throwUnlessSucceeded(result: AlembicRunResult, io: MigrateIo): void {
  if (result.outcome === 'refused') {
    if (result.refusals.length === 1 && result.refusals[0]) throw new OperationError(`${sanitizeOneLine(result.refusals[0].message)} Nothing was run.`);
    for (const refusal of result.refusals) io.stderr.write(`pgtop: refused (${refusal.kind}): ${sanitizeOneLine(refusal.message)}\n`);
    throw new OperationError(`alembic upgrade refused for the ${result.refusals.length} reasons above. Nothing was run.`);
  }
  if (result.outcome === 'failed' && result.failure) throw new OperationError(sanitizeOneLine(result.failure.message));
  if (result.outcome === 'cancelled') throw new OperationError(`cancelled. ${result.failure ? sanitizeOneLine(result.failure.message) : `The database is at ${result.after.join(', ') || '<base>'}.`}`);
}

export async function alembicUpCommand(options: AlembicCommandOptions & { to: string | undefined; dryRun: boolean; lockWaitMs: number; lockTimeoutMs: number | undefined; signal: AbortSignal }): Promise<number> {
  const { io } = options;
  const printState = {};
  const onEvent: AlembicEventListener = (event) => {
    if (event.type === 'warning') io.stderr.write(`pgtop: ${sanitizeOneLine(event.message)}\n`);
    const line = formatAlembicEvent(event, printState);
    if (line !== undefined) io.stdout.write(`${line}\n`);
  };
  const result = await applyAlembic({
    settings: options.settings,
    alembic: options.alembic,
    ...(options.to !== undefined ? { upgradeTo: options.to } : {}),
    dryRun: options.dryRun,
    lockWaitMs: options.lockWaitMs,
    ...(options.lockTimeoutMs !== undefined ? { timeouts: { lockTimeoutMs: options.lockTimeoutMs } } : {}),
    interactive: options.interactive,
    signal: options.signal,
    onEvent,
    auditEnv: io.env,
    env: io.env,
  });
  if (result.outcome === 'dry-run' && result.sql !== undefined) io.stdout.write(`${result.sql}Dry run (Alembic's offline mode): nothing was changed.\n`);
  throwUnlessSucceeded(result, io);
  if (result.outcome === 'nothing-to-do') io.stdout.write('Nothing to do: the database is at the heads.\n');
  else if (result.outcome === 'done') io.stdout.write(`Upgraded ${result.before.join(', ') || '<base>'} -> ${result.after.join(', ')}.\n`);
  return 0;
}

/** `pgtop migrate history`: other tools' applied history, read-only, and the findings for the health checks. */
export async function printHistories(settings: ConnectionSettings, interactive: boolean, json: boolean, io: MigrateIo): Promise<number> {
  const client = await connect(settings, { applicationName: MIGRATE_APPLICATION_NAME, interactive, statementTimeoutMs: 30_000 });
  try {
    const histories = await readToolHistories(client);
    const findings = historyFindings(histories);
    io.stdout.write(json ? `${terminalSafeJson({ histories, findings }, 2)}\n` : `${formatHistories(histories, findings)}\n`);
    return 0;
  } finally {
    await closeQuietly(client);
  }
}
