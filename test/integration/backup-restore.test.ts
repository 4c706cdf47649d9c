import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBackupJob } from '../../src/backup/job/backup.js';
import { readCopyProgress } from '../../src/backup/job/progress-sampler.js';
import type { BackupEvent } from '../../src/backup/job/progress.js';
import { parseManifest } from '../../src/backup/files/manifest.js';
import { runBackup } from '../../src/commands/backup/backup.js';
import { resolveConnection } from '../../src/config/resolve.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import {
  auditLines,
  backupEnv,
  capturedIO,
  createSampleTemplate,
  freshDatabase,
  restoreInto,
  SAMPLE_TABLES,
  tableFingerprints,
  tempDir,
} from '../helpers/backup-fixtures.js';
import { waitUntil } from '../helpers/wait.js';

const mode = (path: string): number => statSync(path).mode & 0o777;
const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

describe('pgtop backup run: dumps that restore', () => {
  let sandbox: PostgresSandbox;
  let stateHome: string;

  before(async () => {
    sandbox = await startPostgres();
    await createSampleTemplate(sandbox);
    stateHome = tempDir('pgtop-backup-state-');
  });
  after(async () => {
    await sandbox?.stop();
  });

  test('a custom-format dump restores with the same tables, row counts and content', async () => {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const captured = capturedIO(backupEnv(stateHome));
    const code = await runBackup(['run', '--dir', dir, sandbox.uri(database)], captured.io);
    assert.equal(code, 0, captured.stderr());

    const names = readdirSync(dir).sort();
    assert.equal(names.length, 2, names.join(' '));
    const [dumpName = '', manifestName = ''] = names;
    assert.match(dumpName, new RegExp(`^${database}-\\d{8}T\\d{6}Z\\.dump$`));
    assert.equal(manifestName, `${dumpName}.manifest.json`);
    const dumpPath = join(dir, dumpName);
    assert.equal(mode(dumpPath), 0o600);
    assert.equal(mode(join(dir, manifestName)), 0o600);

    const manifest = parseManifest(readFileSync(join(dir, manifestName), 'utf8'));
    assert.equal(manifest.file, dumpName);
    assert.equal(manifest.database, database);
    assert.equal(manifest.format, 'custom');
    assert.equal(manifest.size_bytes, statSync(dumpPath).size);
    assert.equal(manifest.sha256, sha256(readFileSync(dumpPath)));
    assert.equal(manifest.tables, SAMPLE_TABLES.length);
    assert.equal(manifest.verify.table_data_entries, SAMPLE_TABLES.length);
    assert.equal(Math.floor(manifest.server_version_num / 10000), sandbox.majorVersion);
    assert.match(manifest.pg_dump_version, new RegExp(`^${sandbox.majorVersion}\\.`));
    assert.match(captured.stdout(), /backup written: .*\.dump/);

    await restoreInto(sandbox, dumpPath, `${database}_restored`);
    assert.deepEqual(await tableFingerprints(sandbox, `${database}_restored`), await tableFingerprints(sandbox, database));

    const audited = auditLines(stateHome).filter((line) => line.file === dumpPath);
    assert.deepEqual(audited.map((line) => line.result), ['started', 'ok']);

    const verify = capturedIO(backupEnv(stateHome));
    assert.equal(await runBackup(['verify', dumpPath], verify.io), 0, verify.stderr());
    assert.match(verify.stdout(), /sha256 [0-9a-f]{64} matches the manifest/);

    const list = capturedIO(backupEnv(stateHome));
    assert.equal(await runBackup(['list', '--json', '--dir', dir], list.io), 0, list.stderr());
    const listed = JSON.parse(list.stdout()) as { backups: Array<{ file: string; kind: string; verified: boolean; sha256: string; database: string }> };
    assert.deepEqual(listed.backups.map((entry) => [entry.file, entry.kind, entry.verified, entry.sha256, entry.database]), [[dumpName, 'dump', true, manifest.sha256, database]]);
  });

  test('a directory-format dump with --jobs 2 restores the same, with private files and the documented sha256', async () => {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const captured = capturedIO(backupEnv(stateHome));
    const code = await runBackup(['--dir', dir, '--format', 'directory', '--jobs', '2', sandbox.uri(database)], captured.io);
    assert.equal(code, 0, captured.stderr());

    const dumpName = readdirSync(dir).find((name) => name.endsWith('.dir'));
    assert.ok(dumpName, readdirSync(dir).join(' '));
    assert.match(dumpName, new RegExp(`^${database}-\\d{8}T\\d{6}Z\\.dir$`));
    const dumpPath = join(dir, dumpName);
    assert.equal(mode(dumpPath), 0o700);
    const files = readdirSync(dumpPath).sort();
    assert.ok(files.includes('toc.dat'), files.join(' '));
    for (const file of files) assert.equal(mode(join(dumpPath, file)), 0o600, file);

    const manifest = parseManifest(readFileSync(join(dir, `${dumpName}.manifest.json`), 'utf8'));
    assert.equal(manifest.format, 'directory');
    assert.equal(manifest.jobs, 2);
    const lines = files.map((file) => `${sha256(readFileSync(join(dumpPath, file)))}  ${file}\n`).join('');
    assert.equal(manifest.sha256, sha256(lines));

    await restoreInto(sandbox, dumpPath, `${database}_restored`, 2);
    assert.deepEqual(await tableFingerprints(sandbox, `${database}_restored`), await tableFingerprints(sandbox, database));
  });

  test('progress comes as events: phases in order, every table, bytes written', async () => {
    const database = await freshDatabase(sandbox);
    const dir = tempDir('pgtop-backup-');
    const events: BackupEvent[] = [];
    const { settings } = resolveConnection({ flags: {}, target: sandbox.uri(database), env: {} });
    const result = await runBackupJob({
      settings,
      dir,
      format: 'custom',
      jobs: 1,
      lockWaitTimeoutSec: 30,
      signal: new AbortController().signal,
      onEvent: (event) => events.push(event),
      progressIntervalMs: 10,
      env: backupEnv(stateHome),
    });
    const phases = events.filter((event) => event.type === 'phase').map((event) => event.progress.phase);
    assert.deepEqual(phases, ['connecting', 'dumping', 'verifying', 'committing', 'done']);
    const tables = events.flatMap((event) => (event.type === 'table' ? [event.table] : []));
    assert.deepEqual([...tables].sort(), [...SAMPLE_TABLES]);
    const dumping = events.filter((event) => event.type === 'table').map((event) => event.progress);
    assert.ok(dumping.every((progress) => progress.tablesTotal === SAMPLE_TABLES.length && progress.pgDumpPid !== null));
    assert.deepEqual(dumping.map((progress) => progress.tablesDone), [0, 1, 2]);
    const last = events.at(-1)?.progress;
    assert.equal(last?.phase, 'done');
    assert.equal(last?.tablesDone, SAMPLE_TABLES.length);
    assert.equal(last?.bytesWritten, result.manifest.size_bytes);
    assert.equal(last?.file, result.manifest.file);
    assert.ok(events.some((event) => event.type === 'notice' && /using pg_dump/.test(event.message)));
  });

  test('the rows and bytes of a table being copied are read from pg_stat_progress_copy', async () => {
    const database = await freshDatabase(sandbox);
    // A COPY whose reader stops reading stays in progress: psql's stdout is a pipe nobody drains.
    const copy = spawn(join(sandbox.binDir, 'psql'), ['-X', '-c', 'COPY shop.orders TO STDOUT'], {
      env: { ...backupEnv(stateHome), ...sandbox.env(database), PGAPPNAME: 'pgtop-backup' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    copy.stdout?.pause();
    const monitor = await sandbox.connect(database);
    try {
      const samples = await waitUntil(
        async () => {
          const found = await readCopyProgress(monitor);
          return found.length > 0 && (found[0]?.rows ?? 0) > 0 ? found : undefined;
        },
        { what: 'the blocked COPY in pg_stat_progress_copy', timeoutMs: 15_000 },
      );
      assert.equal(samples.length, 1);
      assert.equal(samples[0]?.table, 'shop.orders');
      assert.ok((samples[0]?.bytes ?? 0) > 0);
    } finally {
      await monitor.end();
      copy.kill('SIGKILL');
    }
  });
});
