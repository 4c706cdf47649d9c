import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { footer, lineMatching } from '../helpers/e2e-views-screen.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';

// About 300 MB of table: pg_dump needs several seconds for it here, long enough to watch and to cancel.
// Autovacuum stays off for the table, so it is never analysed: its row count is unknown to the catalog,
// as it is for any table loaded since the last ANALYZE.
const ROWS = 1_200_000;
const DATABASE = 'bulk';

let sandbox: PostgresSandbox;
let backupDir: string;
const tempDirs: string[] = [];

before(async () => {
  sandbox = await startPostgres();
  await sandbox.query(`CREATE DATABASE ${DATABASE}`);
  await sandbox.query(
    `CREATE TABLE wide WITH (autovacuum_enabled = false) AS
       SELECT i AS id, md5(i::text) || md5((i + 1)::text) || md5((i + 2)::text) AS payload
         FROM generate_series(1, ${ROWS}) AS i`,
    [],
    DATABASE,
  );
  backupDir = tempDir('pgtop-e2e-backups-');
});

after(async () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  await sandbox?.stop();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function startMonitor(dir: string): PgtopTerminal {
  return startPgtop(['--interval', '1', '--backup-dir', dir, sandbox.uri(DATABASE)], { columns: 160, rows: 40 });
}

async function openBackupsView(terminal: PgtopTerminal): Promise<string> {
  await terminal.waitFor(/pgtop\s+pg \d/, { what: 'the first frame', timeoutMs: 30_000 });
  terminal.sendKeys('5');
  return terminal.waitFor('[5 Backups]', { what: 'the Backups view' });
}

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** The progress line of a running dump: its percentage and bytes written, or undefined when none is shown. */
function dumpProgress(screen: string): { line: string; percent: number; bytes: number } | undefined {
  const line = lineMatching(screen, new RegExp(`^\\s*dumping ${DATABASE} [█░]{24} \\d+%`));
  if (line === undefined) return undefined;
  const match = /([█░]{24}) (\d+)%\s+tables \d+\/\d+\s+([\d.]+) (B|KiB|MiB|GiB)/.exec(line);
  if (!match) throw new Error(`unexpected progress line: ${line}`);
  const [, bar = '', percent = '0', amount = '0', unit = 'B'] = match;
  assert.equal([...bar].length, 24);
  return { line, percent: Number(percent), bytes: Number(amount) * (UNITS[unit] ?? Number.NaN) };
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

interface Manifest {
  file: string;
  database: string;
  size_bytes: number;
  sha256: string;
  verify: { ok: boolean };
}

function readManifest(dump: string): Manifest {
  return JSON.parse(readFileSync(join(backupDir, `${dump}.manifest.json`), 'utf8')) as Manifest;
}

async function backupSessions(): Promise<number> {
  const result = await sandbox.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgtop-backup'");
  return result.rows[0]?.n ?? -1;
}

describe('the Backups view', () => {
  // One pgtop on one backup directory for these tests, in order: the first dump is cancelled against,
  // verified and damaged by the ones after it.
  let terminal: PgtopTerminal;
  let firstDump = '';
  let firstDumpSha = '';

  before(() => {
    terminal = startMonitor(backupDir);
  });

  after(() => terminal?.kill());

  test('b y: a dump with a moving progress bar, listed as verified, 0600, with its manifest', { timeout: 120_000 }, async () => {
    const empty = await openBackupsView(terminal);
    const listed = empty.includes('no dumps yet') ? empty : await terminal.waitFor('no dumps yet', { what: 'the empty list' });
    assert.match(listed, /Logical dumps of one database/, 'says what kind of backup this is');

    terminal.sendKeys('b');
    const dialog = await terminal.waitFor(`Back up ${DATABASE}?`, { what: 'the backup dialog' });
    assert.ok(dialog.includes(backupDir), 'the dialog names the directory');
    terminal.sendKeys('y');

    const first = await terminal.waitFor((screen) => dumpProgress(screen) !== undefined, { what: 'the dumping progress line', timeoutMs: 20_000 });
    const start = dumpProgress(first);
    assert.ok(start);
    const moved = await terminal.waitFor(
      (screen) => {
        const now = dumpProgress(screen);
        return now !== undefined && (now.bytes > start.bytes || now.percent > start.percent);
      },
      { what: `the progress to advance beyond ${start.line.trim()}`, timeoutMs: 20_000 },
    );
    assert.ok(moved);

    const done = await terminal.waitFor((screen) => /✓ backup verified: /.test(footer(screen)), { what: 'the footer to say backup verified', timeoutMs: 60_000 });
    const path = /✓ backup verified: (\S+\.dump)/.exec(footer(done))?.[1] ?? '';
    assert.ok(path.startsWith(`${backupDir}/`), `the footer names the dump in the backup directory: ${footer(done)}`);
    firstDump = path.slice(backupDir.length + 1);

    // The list's row, not the footer's message, which names the same file.
    const dumpInList = new RegExp(`^(?!.*✓ backup verified).*\\b${firstDump.replace(/\./g, '\\.')}\\b`);
    const row = await terminal.waitFor((screen) => lineMatching(screen, dumpInList) !== undefined, { what: 'the dump listed' });
    const dumpRow = lineMatching(row, dumpInList) ?? '';
    assert.match(dumpRow, /\bverified\b/, dumpRow);
    assert.doesNotMatch(dumpRow, /NOT verified/, dumpRow);
    assert.match(dumpRow, new RegExp(`\\b${DATABASE}\\b.*\\bcustom\\b`), dumpRow);

    assert.deepEqual(filesIn(backupDir), [firstDump, `${firstDump}.manifest.json`]);
    assert.equal(statSync(path).mode & 0o777, 0o600, 'the dump is readable by its owner only');
    assert.equal(statSync(`${path}.manifest.json`).mode & 0o777, 0o600, 'so is its manifest');
    const manifest = readManifest(firstDump);
    firstDumpSha = sha256(path);
    assert.equal(manifest.file, firstDump);
    assert.equal(manifest.database, DATABASE);
    assert.equal(manifest.size_bytes, statSync(path).size);
    assert.equal(manifest.sha256, firstDumpSha, 'the manifest holds the sha256 of the file');
    assert.equal(manifest.verify.ok, true);

    const audited = terminal.auditEntries().map((e) => [e.action, e.file, e.result]);
    assert.deepEqual(audited, [
      ['backup', path, 'started'],
      ['backup', path, 'ok'],
    ]);
  });

  test('x during a second dump cancels it: no partial left, no new manifest, the first dump untouched', { timeout: 60_000 }, async () => {
    assert.ok(firstDump, 'the first dump exists');
    const firstStat = statSync(join(backupDir, firstDump));
    terminal.sendKeys('b');
    await terminal.waitFor(`Back up ${DATABASE}?`, { what: 'the backup dialog' });
    terminal.sendKeys('y');
    await terminal.waitFor((screen) => dumpProgress(screen) !== undefined, { what: 'the second dump under way', timeoutMs: 20_000 });
    terminal.sendKeys('x');

    const cancelled = await terminal.waitFor((screen) => /cancelled/.test(footer(screen)), { what: 'the footer to say cancelled', timeoutMs: 20_000 });
    assert.match(footer(cancelled), /✗ backup of bulk cancelled/, 'the footer says so');
    assert.deepEqual(filesIn(backupDir), [firstDump, `${firstDump}.manifest.json`], 'no partial file, no new manifest');
    const after = statSync(join(backupDir, firstDump));
    assert.equal(after.size, firstStat.size);
    assert.equal(after.mtimeMs, firstStat.mtimeMs);
    assert.equal(sha256(join(backupDir, firstDump)), firstDumpSha, 'the first dump is untouched');
    await waitUntil(async () => (await backupSessions()) === 0, { what: "pg_dump's session to end" });
    assert.deepEqual(
      terminal.auditEntries().slice(2).map((e) => [e.action, e.result]),
      [
        ['backup', 'started'],
        ['backup', 'cancelled'],
      ],
      'the cancelled backup is audited',
    );
  });

  test('the percentage moves during the dump of a table that was never analysed', { timeout: 90_000 }, async () => {
    terminal.sendKeys('b');
    await terminal.waitFor(`Back up ${DATABASE}?`, { what: 'the backup dialog' });
    terminal.sendKeys('y');
    await terminal.waitFor((screen) => dumpProgress(screen) !== undefined, { what: 'the dump under way', timeoutMs: 20_000 });
    let highest = 0;
    let last = '';
    await terminal.waitFor(
      (screen) => {
        const progress = dumpProgress(screen);
        if (progress) {
          highest = Math.max(highest, progress.percent);
          last = progress.line.trim();
          return false;
        }
        return /^\s*(verifying|committing) /m.test(screen) || /backup verified|✗ backup/.test(footer(screen));
      },
      { what: 'the dump phase to end', timeoutMs: 60_000 },
    );
    await terminal.waitFor((screen) => /✓ backup verified: /.test(footer(screen)), { what: 'the dump to finish', timeoutMs: 60_000 });
    assert.ok(highest > 0, `the bar stayed at 0% for the whole dump; the last progress line was:\n${last}`);
  });

  test('v on the first dump: verified, the sha256 matches', { timeout: 60_000 }, async () => {
    assert.ok(firstDump, 'the first dump exists');
    await terminal.waitFor((screen) => lineMatching(screen, new RegExp(firstDump.replace(/\./g, '\\.'))) !== undefined, { what: 'the first dump listed' });
    terminal.sendKeys('Home', 'v');
    const verified = await terminal.waitFor((screen) => footer(screen).includes(`${firstDump}: verified`), { what: 'the footer to say verified', timeoutMs: 30_000 });
    assert.match(footer(verified), /✓ .*: verified \(sha256 matches/, footer(verified));
  });

  test('v on a damaged dump reports the problem', { timeout: 60_000 }, async () => {
    assert.ok(firstDump, 'the first dump exists');
    const path = join(backupDir, firstDump);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    terminal.sendKeys('Home', 'v');
    const damaged = await terminal.waitFor((screen) => footer(screen).includes(`✗ ${firstDump}:`), { what: 'the footer to report the damage', timeoutMs: 30_000 });
    assert.match(footer(damaged), /cut short|sha256|does not read back/, footer(damaged));
  });
});

describe('the Backups view without its directory', () => {
  test('a missing --backup-dir is refused at start, naming it (exit 2)', { timeout: 60_000 }, async () => {
    const missing = join(tempDir('pgtop-e2e-bk-'), 'none');
    const terminal = startMonitor(missing);
    try {
      const shown = await terminal.waitFor('EXITED:2', { what: 'pgtop to refuse the directory', timeoutMs: 30_000 });
      assert.ok(shown.replace(/\n/g, '').includes(`--backup-dir ${missing}: no such directory`), shown);
    } finally {
      terminal.kill();
    }
  });

  test('the default ./backups missing: the view says so and how to fix it', { timeout: 60_000 }, async () => {
    const terminal = startPgtop(['--interval', '1', sandbox.uri(DATABASE)], { columns: 160, rows: 40 });
    try {
      await openBackupsView(terminal);
      const shown = await terminal.waitFor('does not exist', { what: 'the view to say the directory is missing' });
      const message = lineMatching(shown, /does not exist/) ?? '';
      assert.match(message, /backups/, `names the directory: ${message}`);
      assert.match(message, /--backup-dir/, `or how to choose another: ${message}`);
    } finally {
      terminal.kill();
    }
  });
});
