import type { ScriptProblem } from './script.js';
import type { MigrationState, Refusal, TrackingRow } from './types.js';

/** What the planner needs to know of a migration file. */
export interface PlanFile {
  version: number;
  fileName: string;
  script: { checksum: string; problems: readonly ScriptProblem[] };
  downScript?: { fileName: string; problems: readonly ScriptProblem[] };
}

/** One version known to the directory, the tracking table, or both. */
export interface PlanEntry<F extends PlanFile = PlanFile> {
  version: number;
  /** The file's name, or the recorded name when the file is missing. */
  fileName: string;
  state: MigrationState;
  file?: F;
  row?: TrackingRow;
}

export interface UpPlan<F extends PlanFile = PlanFile> {
  /** Every version, in version order. */
  entries: PlanEntry<F>[];
  /** The pending files `up` would apply, in order. */
  toApply: F[];
  /** Why `up` must not start; empty when it may. */
  refusals: Refusal[];
}

export interface DownPlan<F extends PlanFile = PlanFile> {
  /** Newest first. */
  toRevert: { file: F; row: TrackingRow }[];
  refusals: Refusal[];
}

const TABLE = 'pgtop.schema_migrations';

export function describeProblem(fileName: string, problem: ScriptProblem): string {
  return `${fileName}${problem.line !== undefined ? ` line ${problem.line}` : ''}: ${problem.message}`;
}

function fileRefusals(kind: Refusal['kind'], version: number, fileName: string, problems: readonly ScriptProblem[]): Refusal[] {
  return problems.map((problem) => ({ kind, version, fileName, ...(problem.line !== undefined ? { line: problem.line } : {}), message: describeProblem(fileName, problem) }));
}

function stateOf(file: PlanFile | undefined, row: TrackingRow | undefined, newestRecorded: number): MigrationState {
  if (row?.status === 'started') return 'dirty';
  if (row && !file) return 'missing';
  if (row && file) {
    if (row.checksum !== file.script.checksum) return 'drifted';
    return row.status === 'baseline' ? 'baseline' : 'applied';
  }
  return file && file.version < newestRecorded ? 'out-of-order' : 'pending';
}

/** The state of every version: the files in the directory matched with the rows of the tracking table. */
export function migrationStates<F extends PlanFile>(files: readonly F[], rows: readonly TrackingRow[]): PlanEntry<F>[] {
  const fileByVersion = new Map(files.map((file) => [file.version, file]));
  const rowByVersion = new Map(rows.map((row) => [row.version, row]));
  const newestRecorded = Math.max(-1, ...rows.map((row) => row.version));
  const versions = [...new Set([...fileByVersion.keys(), ...rowByVersion.keys()])].sort((a, b) => a - b);
  return versions.map((version) => {
    const file = fileByVersion.get(version);
    const row = rowByVersion.get(version);
    return {
      version,
      fileName: file?.fileName ?? row?.name ?? String(version),
      state: stateOf(file, row, newestRecorded),
      ...(file ? { file } : {}),
      ...(row ? { row } : {}),
    };
  });
}

function stateRefusal<F extends PlanFile>(entry: PlanEntry<F>, newest: PlanEntry<F> | undefined): Refusal | undefined {
  const { version, fileName, row } = entry;
  const base = { version, fileName };
  switch (entry.state) {
    case 'drifted':
      return {
        kind: 'drifted',
        ...base,
        message: `${fileName} was changed after it was applied (its checksum differs from the one recorded). Put the applied content back and make the change in a new migration.`,
      };
    case 'missing':
      return {
        kind: 'missing',
        ...base,
        message: `${fileName} (version ${version}) is recorded as ${row?.status ?? 'applied'} but is not in the migrations directory. Restore the file, or check that --migrations-dir is the right directory.`,
      };
    case 'dirty':
      return {
        kind: 'dirty',
        ...base,
        message:
          `${fileName} started${row?.startedAt ? ` at ${row.startedAt.toISOString()}` : ''} and did not finish${row?.error ? `: ${row.error.replace(/\.$/, '')}` : ''}. ` +
          `Check what it left behind and repair it by hand (a failed CREATE INDEX CONCURRENTLY leaves an INVALID index: DROP INDEX CONCURRENTLY it), ` +
          `then run DELETE FROM ${TABLE} WHERE version = ${version}; and apply again.`,
      };
    case 'out-of-order':
      return {
        kind: 'out-of-order',
        ...base,
        message: `${fileName} is pending but older than ${newest?.fileName ?? 'the newest recorded migration'}, which is already recorded. Rename it to a version above ${newest?.version ?? 'that one'} so it runs after it.`,
      };
    default:
      return undefined;
  }
}

/**
 * What `up` would do: the pending files (up to version `to`, when given) and every reason to refuse.
 * Any drifted, missing, dirty or out-of-order migration refuses the whole run, as does a problem in a
 * file that would be applied.
 */
export function planUp<F extends PlanFile>(files: readonly F[], rows: readonly TrackingRow[], options: { to?: number } = {}): UpPlan<F> {
  const entries = migrationStates(files, rows);
  const recorded = entries.filter((entry) => entry.row);
  const newest = recorded.at(-1);
  const refusals: Refusal[] = [];
  for (const entry of entries) {
    const refusal = stateRefusal(entry, newest);
    if (refusal) refusals.push(refusal);
  }
  const toApply = entries
    .filter((entry) => entry.state === 'pending' && (options.to === undefined || entry.version <= options.to))
    .flatMap((entry) => (entry.file ? [entry.file] : []));
  for (const file of toApply) refusals.push(...fileRefusals('invalid-file', file.version, file.fileName, file.script.problems));
  return { entries, toApply, refusals };
}

/**
 * What `down --to V` would do: revert every recorded migration newer than V, newest first, each with
 * its `.down.sql`. Refuses when any of them has no down file (or a broken one), is dirty, drifted or
 * missing, so that nothing runs unless everything can.
 */
export function planDown<F extends PlanFile>(files: readonly F[], rows: readonly TrackingRow[], to: number): DownPlan<F> {
  const entries = migrationStates(files, rows).filter((entry) => entry.row && entry.version > to);
  const refusals: Refusal[] = [];
  const toRevert: { file: F; row: TrackingRow }[] = [];
  for (const entry of [...entries].reverse()) {
    const { version, fileName, file, row } = entry;
    if (!row) continue;
    const stateProblem = stateRefusal(entry, undefined);
    if (stateProblem) {
      refusals.push(stateProblem);
      continue;
    }
    if (!file) continue;
    if (!file.downScript) {
      const downName = fileName.replace(/\.sql$/, '.down.sql');
      refusals.push({
        kind: 'no-down-file',
        version,
        fileName,
        message: `${fileName} has no ${downName}, so it cannot be reverted. Write ${downName}, or choose a --to at or above ${version}.`,
      });
      continue;
    }
    refusals.push(...fileRefusals('invalid-file', version, file.downScript.fileName, file.downScript.problems));
    toRevert.push({ file, row });
  }
  return { toRevert, refusals };
}
