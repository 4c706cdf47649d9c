import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isoFromMicros } from '../../src/sources/iso-micros.js';

const expected = (micros: number): string => new Date(Math.floor(micros / 1000)).toISOString();

describe('isoFromMicros', () => {
  test('gives the millisecond timestamp of microseconds since 1970, sent as text or as a number', () => {
    assert.equal(isoFromMicros('1733210000123456'), '2024-12-03T07:13:20.123Z');
    assert.equal(isoFromMicros(1733210000123456), '2024-12-03T07:13:20.123Z');
    assert.equal(isoFromMicros('-1000'), '1969-12-31T23:59:59.999Z');
  });

  test('anything that is not a number is null', () => {
    for (const value of [null, undefined, '', '  ', 'soon', Number.NaN, Number.POSITIVE_INFINITY, true]) assert.equal(isoFromMicros(value), null, String(value));
  });

  test('the same text gives the same timestamp however often it comes back, past the cache filling up', () => {
    const values = Array.from({ length: 30_000 }, (_, i) => 1_700_000_000_000_000 + i * 1_234_567);
    for (let round = 0; round < 3; round += 1) {
      for (const micros of values) {
        // A fresh string each time, as the driver gives one per row.
        const text = `${micros}`.slice(0);
        assert.equal(isoFromMicros(text), expected(micros));
      }
      for (const micros of values.slice(0, 100)) assert.equal(isoFromMicros(String(micros)), expected(micros));
    }
  });
});
