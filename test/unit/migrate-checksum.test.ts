import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { migrationChecksum } from '../../src/migrate/checksum.js';
import { parseMigrationScript } from '../../src/migrate/script.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

test('the checksum is the sha256 of the file', () => {
  assert.equal(migrationChecksum('CREATE TABLE t (id int);\n'), sha256('CREATE TABLE t (id int);\n'));
});

test('a UTF-8 BOM and CRLF line ends do not change the checksum', () => {
  const plain = migrationChecksum(Buffer.from('SELECT 1;\nSELECT 2;\n'));
  assert.equal(migrationChecksum(Buffer.from('\ufeffSELECT 1;\r\nSELECT 2;\r\n')), plain);
  assert.equal(migrationChecksum(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('SELECT 1;\nSELECT 2;\n')])), plain);
});

test('any other change does, a lone CR included', () => {
  const plain = migrationChecksum('SELECT 1;\nSELECT 2;\n');
  assert.notEqual(migrationChecksum('SELECT 1;\nSELECT 3;\n'), plain);
  assert.notEqual(migrationChecksum('SELECT 1;\rSELECT 2;\n'), plain);
  assert.notEqual(migrationChecksum('SELECT 1; \nSELECT 2;\n'), plain);
  assert.notEqual(migrationChecksum('x\ufeffSELECT 1;\nSELECT 2;\n'), migrationChecksum('xSELECT 1;\nSELECT 2;\n'));
});

test('the text that runs is the normalised one: no BOM, LF line ends', () => {
  const script = parseMigrationScript('0001_x.sql', Buffer.from('\ufeffSELECT 1;\r\nSELECT 2;\r\n'));
  assert.equal(script.text, 'SELECT 1;\nSELECT 2;\n');
  assert.deepEqual(script.statements.map((s) => [s.text, s.line]), [
    ['SELECT 1', 1],
    ['SELECT 2', 2],
  ]);
});
