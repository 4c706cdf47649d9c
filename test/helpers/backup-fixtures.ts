import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BackupCommandIO } from '../../src/commands/backup/backup.js';
import type { PostgresSandbox } from '../../src/sandbox/postgres.js';

const run = promisify(execFile);

/** The sample's tables, as pg_dump names them. */
export const SAMPLE_TABLES = ['public.audit_notes', 'shop.customers', 'shop.orders'] as const;
export const SAMPLE_TEMPLATE = 'backup_sample';

/**
 * A template database with three tables (about 107,000 rows): text, numeric, NULLs, jsonb with quotes and
 * newlines, bytea and arrays, a foreign key and indexes. Each test copies it with CREATE DATABASE … TEMPLATE.
 */
export async function createSampleTemplate(sandbox: PostgresSandbox): Promise<void> {
  await sandbox.query(`CREATE DATABASE ${SAMPLE_TEMPLATE}`);
  await sandbox.query(
    `CREATE SCHEMA shop;
     CREATE TABLE shop.customers (id int PRIMARY KEY, name text NOT NULL, email text UNIQUE, created_at timestamptz NOT NULL);
     INSERT INTO shop.customers
       SELECT g, 'customer ' || g, 'c' || g || '@example.com', timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute'
         FROM generate_series(1, 2000) g;
     CREATE TABLE shop.orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES shop.customers,
                               amount numeric(12,2) NOT NULL, status text NOT NULL, placed_at timestamptz NOT NULL, note text);
     INSERT INTO shop.orders (customer_id, amount, status, placed_at, note)
       SELECT 1 + g % 2000, (g % 997) * 1.25, (ARRAY['new', 'paid', 'shipped'])[1 + g % 3],
              timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',
              CASE WHEN g % 7 = 0 THEN NULL ELSE md5(g::text) END
         FROM generate_series(1, 100000) g;
     CREATE INDEX orders_customer ON shop.orders (customer_id);
     CREATE TABLE public.audit_notes (id int PRIMARY KEY, payload jsonb, raw bytea, tags text[]);
     INSERT INTO public.audit_notes
       SELECT g, jsonb_build_object('n', g, 'q', E'it''s "quoted"\\n'), decode(md5(g::text), 'hex'), ARRAY['a', g::text]
         FROM generate_series(1, 5000) g;
     ANALYZE;`,
    [],
    SAMPLE_TEMPLATE,
  );
}

let databases = 0;

/** A new database holding the sample, named `<prefix><n>`. */
export async function freshDatabase(sandbox: PostgresSandbox, prefix = 'shop'): Promise<string> {
  databases += 1;
  const name = `${prefix}${databases}`;
  await sandbox.query(`CREATE DATABASE ${name} TEMPLATE ${SAMPLE_TEMPLATE}`);
  return name;
}

export interface TableFingerprint {
  rows: number;
  md5: string;
}

/** Row count and a checksum of the whole content of each table of the sample. */
export async function tableFingerprints(sandbox: PostgresSandbox, database: string): Promise<Record<string, TableFingerprint>> {
  const fingerprints: Record<string, TableFingerprint> = {};
  for (const table of SAMPLE_TABLES) {
    const result = await sandbox.query<{ rows: string; md5: string }>(
      `SELECT count(*) AS rows, md5(string_agg(t::text, ',' ORDER BY t::text)) AS md5 FROM ${table} t`,
      [],
      database,
    );
    const row = result.rows[0];
    if (!row) throw new Error(`no fingerprint for ${table}`);
    fingerprints[table] = { rows: Number(row.rows), md5: row.md5 };
  }
  return fingerprints;
}

/** pg_restore of `dump` into a new database `target`. */
export async function restoreInto(sandbox: PostgresSandbox, dump: string, target: string, jobs = 1): Promise<void> {
  await sandbox.query(`CREATE DATABASE ${target}`);
  await run(join(sandbox.binDir, 'pg_restore'), ['--exit-on-error', `--jobs=${jobs}`, `--dbname=${target}`, dump], {
    env: { ...process.env, ...sandbox.env(target) },
  });
}

const made = new Set<string>();

/** A temporary directory, removed when the process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (made.size === 0) process.once('exit', () => made.forEach((path) => rmSync(path, { recursive: true, force: true })));
  made.add(dir);
  return dir;
}

function hashTree(path: string): string {
  const info = statSync(path);
  if (!info.isDirectory()) return createHash('sha256').update(readFileSync(path)).digest('hex');
  const hash = createHash('sha256');
  for (const name of readdirSync(path).sort()) hash.update(`${name}:${hashTree(join(path, name))}\n`);
  return hash.digest('hex');
}

/** Every entry of `dir` with a hash of its content and its mode: equal snapshots mean nothing changed. */
export function snapshotDir(dir: string): Record<string, string> {
  const snapshot: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    snapshot[name] = `${(statSync(path).mode & 0o777).toString(8)} ${hashTree(path)}`;
  }
  return snapshot;
}

export function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.partial') || name.includes('.tmp-'));
}

export interface AuditLine {
  action: string;
  result: string;
  file?: string;
  target: string;
  message?: string;
}

export function auditLines(stateHome: string): AuditLine[] {
  const path = join(stateHome, 'pgtop', 'audit.log');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditLine);
}

/** The environment of this process without any PG* variable, with the audit log under `stateHome`. */
export function backupEnv(stateHome: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PG') && key !== 'NODE_TEST_CONTEXT') env[key] = value;
  return { ...env, XDG_STATE_HOME: stateHome, ...extra };
}

export interface CapturedIO {
  io: BackupCommandIO;
  stdout(): string;
  stderr(): string;
}

/** runBackup's input and output, kept in memory; no signal handlers, no prompt. */
export function capturedIO(env: NodeJS.ProcessEnv): CapturedIO {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      env,
      handleSignals: false,
      interactive: false,
    },
    stdout: () => out,
    stderr: () => err,
  };
}
