import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isoCacheLimit, isoFromMicros } from '../../src/sources/iso-micros.js';

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

  test('grows to hold the timestamps of thousands of sessions, and not while they fit', () => {
    const start = isoCacheLimit();
    const few = Array.from({ length: 2000 }, (_, i) => String(1_600_000_000_000_000 + i * 1000));
    for (let tick = 0; tick < 50; tick++) for (const text of few) isoFromMicros(text);
    assert.equal(isoCacheLimit(), start, 'two thousand timestamps coming back fit');
    const many = Array.from({ length: 40_000 }, (_, i) => String(1_650_000_000_000_000 + i * 1000));
    for (let tick = 0; tick < 4; tick++) for (const text of many) isoFromMicros(text);
    assert.ok(isoCacheLimit() >= 32_768, `forty thousand coming back each tick: ${isoCacheLimit()}`);
    assert.ok(isoCacheLimit() <= 65_536);
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
