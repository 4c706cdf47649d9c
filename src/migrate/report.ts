import { describeHolder } from '../db/maintenance-lock.js';
import { sanitizeOneLine } from '../text/sanitize.js';
import { displayWidth, padEnd } from '../text/width.js';
import { describeBlockers, formatMs, formatTimeout } from './describe.js';
import type { MigrationStatus } from './status.js';
import type { MigrationEvent, MigrationRunResult, PlannedStep, Refusal } from './types.js';

/** Plain-text renderings of the engine's plans, states and progress, for the command line. */

const nameOf = (fileName: string): string => fileName.replace(/^\d+_/, '').replace(/(\.down)?\.sql$/, '');
const versionOf = (fileName: string, version: number): string => /^(\d+)_/.exec(fileName)?.[1] ?? String(version);
const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

function localTime(date: Date | null | undefined): string {
  if (!date) return '';
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) => Math.max(displayWidth(title), ...rows.map((row) => displayWidth(row[i] ?? ''))));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === cells.length - 1 ? cell : padEnd(cell, widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function formatRefusals(refusals: readonly Refusal[]): string[] {
  return refusals.map((refusal) => `  - ${sanitizeOneLine(refusal.message)}`);
}

/** `pgtop migrate status`: one row per version, then what is ignored and why `up` would refuse. */
export function formatStatus(status: MigrationStatus): string {
  const lines = [`Migrations in ${sanitizeOneLine(status.dir)} for ${sanitizeOneLine(status.target)} as ${sanitizeOneLine(status.role)}:`];
  if (status.entries.length === 0) lines.push('  (no migration files, nothing recorded)');
  else {
    const rows = status.entries.map((entry) => [
      versionOf(entry.fileName, entry.version),
      sanitizeOneLine(nameOf(entry.fileName)),
      entry.state,
      localTime(entry.row?.finishedAt ?? entry.row?.startedAt),
      entry.row?.durationMs !== null && entry.row?.durationMs !== undefined && entry.row.status !== 'baseline' ? formatMs(entry.row.durationMs) : '',
    ]);
    lines.push(...table(['VERSION', 'NAME', 'STATE', 'APPLIED AT', 'DURATION'], rows));
  }
  const counts = new Map<string, number>();
  for (const entry of status.entries) counts.set(entry.state, (counts.get(entry.state) ?? 0) + 1);
  if (counts.size > 0) lines.push('', `${[...counts].map(([state, count]) => `${count} ${state}`).join(', ')}.`);
  if (!status.trackingTableExists) lines.push('No migration has been applied here yet (pgtop.schema_migrations does not exist).');
  for (const ignored of status.ignored) lines.push(`Ignored ${sanitizeOneLine(ignored.fileName)}: ${ignored.reason}.`);
  if (status.refusals.length > 0) lines.push('pgtop migrate up would refuse to run:', ...formatRefusals(status.refusals));
  return lines.join('\n');
}

/** `pgtop migrate status --json`: the same, as data. */
export function statusDocument(status: MigrationStatus): Record<string, unknown> {
  return {
    target: status.target,
    role: status.role,
    directory: status.dir,
    trackingTable: status.trackingTableExists,
    migrations: status.entries.map((entry) => ({
      version: entry.version,
      file: entry.fileName,
      state: entry.state,
      status: entry.row?.status ?? null,
      transactional: entry.file?.script.directives.transactional ?? entry.row?.transactional ?? null,
      checksum: entry.file?.script.checksum ?? null,
      recordedChecksum: entry.row?.checksum ?? null,
      startedAt: entry.row?.startedAt?.toISOString() ?? null,
      finishedAt: entry.row?.finishedAt?.toISOString() ?? null,
      durationMs: entry.row?.durationMs ?? null,
      appliedBy: entry.row?.appliedBy ?? null,
      error: entry.row?.error ?? null,
      downFile: entry.file?.downFileName ?? null,
    })),
    pending: status.pending.map((file) => file.version),
    ignored: status.ignored.map((ignored) => ({ file: ignored.fileName, reason: ignored.reason })),
    refusals: status.refusals,
  };
}

function stepLine(step: PlannedStep): string[] {
  return [
    step.fileName,
    step.transactional ? 'transaction' : 'no transaction',
    `lock_timeout ${formatTimeout(step.lockTimeoutMs)}`,
    `statement_timeout ${formatTimeout(step.statementTimeoutMs)}`,
    plural(step.statementCount, 'statement'),
  ];
}

/** A dry run's plan: the files in order, how each runs, and where. */
export function formatPlan(result: MigrationRunResult): string {
  const verb = result.operation === 'down' ? 'revert' : 'apply';
  const where = `${sanitizeOneLine(result.target)} as ${sanitizeOneLine(result.role)}`;
  if (result.planned.length === 0) return `Nothing to ${verb} on ${where}.`;
  const order = result.operation === 'down' ? ', newest first' : '';
  const lines = [`Would ${verb} ${plural(result.planned.length, 'migration')} on ${where}${order}:`];
  lines.push(...table(['FILE', 'MODE', 'LOCK WAIT', 'STATEMENT LIMIT', 'STATEMENTS'], result.planned.map(stepLine)).map((line) => `  ${line}`));
  return lines.join('\n');
}

/**
 * The line a progress event prints as (stdout), or undefined for events that print nothing. Lock
 * waits print once per holder: `lastHolderPid` carries which holder was last reported.
 */
export function formatEvent(event: MigrationEvent, state: { lastHolderPid?: number | null }): string | undefined {
  switch (event.type) {
    case 'lock-waiting': {
      const pid = event.holder?.pid ?? null;
      if (state.lastHolderPid === pid) return undefined;
      state.lastHolderPid = pid;
      const who = event.holder ? sanitizeOneLine(describeHolder(event.holder)) : 'another session';
      const backup = event.holder?.purpose === 'backup' ? ' (a backup of this database is running)' : '';
      return `Waiting for the maintenance lock, held by ${who}${backup}; giving up after ${formatMs(event.timeoutMs)}.`;
    }
    case 'planned':
      return event.steps.length > 0 ? `${event.operation === 'down' ? 'Reverting' : 'Applying'} ${plural(event.steps.length, 'migration')}:` : undefined;
    case 'blocked':
      return event.blockers.length > 0 ? `${event.fileName} waits for a lock held by ${sanitizeOneLine(describeBlockers(event.blockers))}` : undefined;
    case 'retry':
      return `${event.fileName}: ${sanitizeOneLine(event.serverMessage)}; rolled back, attempt ${event.attempt} of ${event.maxAttempts} in ${formatMs(event.delayMs)}`;
    case 'file-applied':
      return event.direction === 'up'
        ? `applied  ${event.fileName}  ${formatMs(event.durationMs)}`
        : `reverted ${event.fileName.replace(/\.down\.sql$/, '.sql')} with ${event.fileName}  ${formatMs(event.durationMs)}`;
    case 'file-baselined':
      return `baseline ${event.fileName} (recorded, not run)`;
    default:
      return undefined;
  }
}
