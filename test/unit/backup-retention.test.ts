import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListedBackup } from '../../src/backup/files/list.js';
import type { BackupManifest } from '../../src/backup/files/manifest.js';
import { selectForDeletion } from '../../src/backup/files/retention.js';

function dump(database: string, startedAt: string, file = `${database}-${startedAt}.dump`): ListedBackup {
  const manifest = { database, host: 'db1', port: 5432, started_at: startedAt, file, verify: { ok: true } } as unknown as BackupManifest;
  return { file, path: `/b/${file}`, kind: 'dump', format: 'custom', database, takenAt: startedAt, sizeBytes: 1, verified: true, sha256: 'x', manifest, problem: null };
}

function stray(file: string, kind: ListedBackup['kind']): ListedBackup {
  return { file, path: `/b/${file}`, kind, format: 'custom', database: 'shop', takenAt: '2020-01-01T00:00:00Z', sizeBytes: 1, verified: false, sha256: null, manifest: null, problem: 'stray' };
}

const files = (backups: ListedBackup[]): string[] => backups.map((backup) => backup.file).sort();

describe('--keep N picks', () => {
  const shop = ['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z'].map((time) => dump('shop', time));

  test('all but the newest N verified dumps of the database, by start time', () => {
    const shuffled = [shop[2], shop[0], shop[3], shop[1]].filter((backup) => backup !== undefined);
    assert.deepEqual(files(selectForDeletion(shuffled, { database: 'shop', host: 'db1', port: 5432, keep: 2 })), files(shop.slice(0, 2)));
    assert.deepEqual(files(selectForDeletion(shop, { database: 'shop', host: 'db1', port: 5432, keep: 3 })), files(shop.slice(0, 1)));
    assert.deepEqual(selectForDeletion(shop, { database: 'shop', host: 'db1', port: 5432, keep: 4 }), []);
    assert.deepEqual(selectForDeletion(shop, { database: 'shop', host: 'db1', port: 5432, keep: 10 }), []);
  });

  test('never the newest verified dump, whatever N says', () => {
    assert.deepEqual(files(selectForDeletion(shop, { database: 'shop', host: 'db1', port: 5432, keep: 0 })), files(shop.slice(0, 3)));
    assert.deepEqual(files(selectForDeletion(shop, { database: 'shop', host: 'db1', port: 5432, keep: -1 })), files(shop.slice(0, 3)));
  });

  test('never a file without a valid manifest, a partial, or another database’s dump', () => {
    const others = [
      stray('shop-20200101T000000Z.dump', 'no-manifest'),
      stray('shop-20200101T000001Z.dump', 'bad-manifest'),
      stray('shop-20200101T000002Z.dump.partial', 'partial'),
      stray('shop-20200101T000003Z.dump.manifest.json', 'orphan-manifest'),
      dump('shop_archive', '2020-01-01T00:00:00.000Z'),
      dump('SHOP', '2020-01-01T00:00:00.000Z'),
    ];
    assert.deepEqual(files(selectForDeletion([...others, ...shop], { database: 'shop', host: 'db1', port: 5432, keep: 1 })), files(shop.slice(0, 3)));
  });

  test('an unverified manifest does not count and is not deleted', () => {
    const unverified = { ...dump('shop', '2026-02-01T00:00:00.000Z'), verified: false };
    assert.deepEqual(files(selectForDeletion([unverified, ...shop], { database: 'shop', host: 'db1', port: 5432, keep: 1 })), files(shop.slice(0, 3)));
  });

  test('never a dump of the same database name on another server', () => {
    const elsewhere = (host: string, port: number, time: string): ListedBackup => {
      const backup = dump('shop', time, `shop-${host}-${port}-${time}.dump`);
      return { ...backup, manifest: { ...(backup.manifest as BackupManifest), host, port } };
    };
    const foreign = [elsewhere('db2', 5432, '2020-01-01T00:00:00.000Z'), elsewhere('db1', 5433, '2020-01-02T00:00:00.000Z')];
    assert.deepEqual(files(selectForDeletion([...foreign, ...shop], { database: 'shop', host: 'db1', port: 5432, keep: 1 })), files(shop.slice(0, 3)));
  });
});
