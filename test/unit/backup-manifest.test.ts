import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestError, parseManifest, readManifest, serializeManifest, writeManifest, type BackupManifest } from '../../src/backup/files/manifest.js';

const manifest: BackupManifest = {
  manifest_version: 1,
  file: 'shop-20261128T120431Z.dump',
  database: 'shop',
  host: 'db1',
  port: 5432,
  user: 'backup',
  format: 'custom',
  jobs: 1,
  size_bytes: 2193511,
  sha256: 'a'.repeat(64),
  sha256_method: 'sha256 of the file',
  started_at: '2026-11-28T12:04:31.000Z',
  finished_at: '2026-11-28T12:04:33.500Z',
  duration_ms: 2500,
  server_version: '15.18',
  server_version_num: 150018,
  pg_dump_version: '15.18',
  pg_dump_path: '/usr/lib/postgresql/15/bin/pg_dump',
  tables: 3,
  verify: { ok: true, list_entries: 12, table_data_entries: 3, full_read: true, verified_at: '2026-11-28T12:04:33.400Z', duration_ms: 300 },
  pgtop_version: '0.1.0',
};

describe('backup manifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgtop-manifest-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('round-trip through their JSON', () => {
    assert.deepEqual(parseManifest(serializeManifest(manifest)), manifest);
  });

  test('are refused when incomplete or not a passed verification, naming what is wrong', () => {
    const broken = (change: Record<string, unknown>): string => JSON.stringify({ ...manifest, ...change });
    assert.throws(() => parseManifest('{'), ManifestError);
    assert.throws(() => parseManifest('[]'), /not a JSON object/);
    assert.throws(() => parseManifest(broken({ manifest_version: 2 })), /manifest_version 2/);
    assert.throws(() => parseManifest(broken({ database: undefined })), /"database" is missing/);
    assert.throws(() => parseManifest(broken({ size_bytes: '12' })), /"size_bytes" is missing or not a number/);
    assert.throws(() => parseManifest(broken({ format: 'tar' })), /"format" is "tar"/);
    assert.throws(() => parseManifest(broken({ sha256: 'abc' })), /64 hex digits/);
    assert.throws(() => parseManifest(broken({ verify: { ...manifest.verify, full_read: false } })), /passed verification/);
  });

  test('are written through a temporary file and a rename, 0600, and read back', async () => {
    const path = await writeManifest(dir, manifest);
    assert.equal(path, join(dir, 'shop-20261128T120431Z.dump.manifest.json'));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['shop-20261128T120431Z.dump.manifest.json']);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), manifest);
    assert.deepEqual(await readManifest(dir, manifest.file), manifest);
    assert.equal(await readManifest(dir, 'other-20261128T120431Z.dump'), undefined);
    writeFileSync(join(dir, 'bad-20261128T120431Z.dump.manifest.json'), 'nope');
    await assert.rejects(readManifest(dir, 'bad-20261128T120431Z.dump'), ManifestError);
  });
});
