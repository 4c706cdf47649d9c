import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactTimestamp, dumpFileName, fileSafeDatabaseName, manifestNameFor, parseDumpFileName, partialNameFor } from '../../src/backup/files/naming.js';

const at = new Date('2026-11-28T12:04:31.789Z');

describe('dump names', () => {
  test('say the database and the UTC time, with the format as the extension', () => {
    assert.equal(dumpFileName('shop', 'custom', at), 'shop-20261128T120431Z.dump');
    assert.equal(dumpFileName('shop', 'directory', at), 'shop-20261128T120431Z.dir');
    assert.equal(dumpFileName('shop', 'custom', at, 2), 'shop-20261128T120431Z-2.dump');
    assert.equal(partialNameFor('shop-20261128T120431Z.dump'), 'shop-20261128T120431Z.dump.partial');
    assert.equal(manifestNameFor('shop-20261128T120431Z.dump'), 'shop-20261128T120431Z.dump.manifest.json');
  });

  test('sort in time order as text', () => {
    const times = ['2026-01-02T03:04:05Z', '2025-12-31T23:59:59Z', '2026-01-02T03:04:06Z', '2026-10-01T00:00:00Z'];
    const names = times.map((time) => dumpFileName('shop', 'custom', new Date(time)));
    assert.deepEqual([...names].sort(), [names[1], names[0], names[2], names[3]]);
    assert.equal(compactTimestamp(new Date('2026-03-04T05:06:07.999Z')), '20260304T050607Z');
  });

  test('keep only safe characters of the database name', () => {
    assert.equal(fileSafeDatabaseName('shop_2-prod'), 'shop_2-prod');
    assert.equal(fileSafeDatabaseName('../etc/passwd'), '___etc_passwd');
    assert.equal(fileSafeDatabaseName('my db.ü'), 'my_db__');
    assert.equal(fileSafeDatabaseName('-rf'), '_rf');
    assert.equal(fileSafeDatabaseName(''), '_');
  });

  test('read back into database part, time, sequence and format', () => {
    assert.deepEqual(parseDumpFileName('shop-prod-20261128T120431Z.dump'), {
      databasePart: 'shop-prod',
      takenAt: new Date('2026-11-28T12:04:31Z'),
      sequence: 0,
      format: 'custom',
    });
    assert.equal(parseDumpFileName('shop-20261128T120431Z-3.dir')?.sequence, 3);
    assert.equal(parseDumpFileName('shop-20261128T120431Z-3.dir')?.format, 'directory');
    for (const other of ['shop.dump', 'shop-20261128T120431Z.dump.partial', 'shop-20261128T120431Z.dump.manifest.json', 'shop-20261328T120431Z.dump']) {
      assert.equal(parseDumpFileName(other), undefined, other);
    }
  });
});
