import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runMigrate, type MigrateIo } from '../../src/commands/migrate/migrate.js';
import { resolveConnection } from '../../src/config/resolve.js';
import type { ConnectionSettings } from '../../src/config/types.js';
import { PgtopError } from '../../src/errors.js';
import type { PostgresSandbox } from '../../src/sandbox/postgres.js';
import type { MigrationEvent } from '../../src/migrate/types.js';

export const sampleMigrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A migrations directory holding exactly these files (name → content). */
export function migrationsDir(files: Record<string, string>): string {
  const dir = tempDir('pgtop-migrations-');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** A copy of the repository's sample migrations that a test may change. */
export function sampleMigrationsCopy(): string {
  const dir = tempDir('pgtop-sample-migrations-');
  cpSync(sampleMigrationsDir, dir, { recursive: true });
  return dir;
}

export function writeMigration(dir: string, name: string, content: string): void {
  writeFileSync(join(dir, name), content);
}

export function removeMigration(dir: string, name: string): void {
  unlinkSync(join(dir, name));
}

let databases = 0;

/** A new, empty database on the sandbox. */
export async function freshDatabase(sandbox: PostgresSandbox, prefix = 'mig'): Promise<string> {
  databases += 1;
  const name = `${prefix}_${process.pid}_${databases}`;
  await sandbox.query(`CREATE DATABASE ${name}`);
  return name;
}

/** Connection settings for the sandbox's superuser on `database`, as the CLI would resolve them. */
export function settingsFor(sandbox: PostgresSandbox, database: string): ConnectionSettings {
  return resolveConnection({ flags: {}, target: sandbox.uri(database), env: {}, homeDir: tempDir('pgtop-home-') }).settings;
}

/** An environment whose audit log is in a directory of its own. */
export function auditEnv(): NodeJS.ProcessEnv {
  const home = tempDir('pgtop-migrate-home-');
  return { HOME: home, XDG_STATE_HOME: join(home, 'state') };
}

export interface AuditLine {
  action: string;
  target: string;
  role?: string;
  file?: string;
  result: string;
  message?: string;
}

export function auditLines(env: NodeJS.ProcessEnv): AuditLine[] {
  try {
    return readFileSync(join(env.XDG_STATE_HOME ?? '', 'pgtop', 'audit.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditLine);
  } catch {
    return [];
  }
}

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
  error?: PgtopError;
}

class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/**
 * Runs `pgtop migrate ARGS` in this process with captured output, the way the dispatcher would: a
 * PgtopError becomes its exit code and a `pgtop: message` line on stderr.
 */
export async function migrate(args: string[], options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; stdin?: MigrateIo['stdin'] } = {}): Promise<CapturedRun> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const io: MigrateIo = {
    stdout,
    stderr,
    stdin: options.stdin ?? Object.assign(Readable.from([]), { isTTY: false }),
    env: options.env ?? auditEnv(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    const code = await runMigrate(args, io);
    return { code, stdout: stdout.text, stderr: stderr.text };
  } catch (error) {
    if (!(error instanceof PgtopError)) throw error;
    return { code: error.exitCode, stdout: stdout.text, stderr: `${stderr.text}pgtop: ${error.message}\n`, error };
  }
}

/** Collects the events of a run, for assertions and for waiting on progress. */
export function eventLog(): { events: MigrationEvent[]; onEvent: (event: MigrationEvent) => void; has: (predicate: (event: MigrationEvent) => boolean) => boolean } {
  const events: MigrationEvent[] = [];
  return { events, onEvent: (event) => events.push(event), has: (predicate) => events.some(predicate) };
}

export async function tableExists(sandbox: PostgresSandbox, database: string, name: string): Promise<boolean> {
  const result = await sandbox.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [name], database);
  return result.rows[0]?.present === true;
}

export interface RowSummary {
  version: number;
  status: string;
  error: string | null;
}

export async function trackingRows(sandbox: PostgresSandbox, database: string): Promise<RowSummary[]> {
  if (!(await tableExists(sandbox, database, 'pgtop.schema_migrations'))) return [];
  const result = await sandbox.query<{ version: string; status: string; error: string | null }>(
    'SELECT version::text AS version, status, error FROM pgtop.schema_migrations ORDER BY version',
    [],
    database,
  );
  return result.rows.map((row) => ({ version: Number(row.version), status: row.status, error: row.error }));
}
