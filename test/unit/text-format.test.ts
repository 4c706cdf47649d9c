import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, formatDuration, parseDuration } from '../../src/text/duration.js';
import { formatBytes, formatCount, formatPercent } from '../../src/text/bytes.js';

describe('formatDuration', () => {
  test('under 10 s: one decimal, rounded down', () => {
    assert.equal(formatDuration(0), '0.0s');
    assert.equal(formatDuration(0.04), '0.0s');
    assert.equal(formatDuration(0.4), '0.4s');
    assert.equal(formatDuration(3.2), '3.2s');
    assert.equal(formatDuration(3.29), '3.2s');
    assert.equal(formatDuration(9.99), '9.9s');
  });

  test('under a minute: whole seconds', () => {
    assert.equal(formatDuration(10), '10s');
    assert.equal(formatDuration(42.9), '42s');
    assert.equal(formatDuration(59.99), '59s');
  });

  test('under an hour: minutes and two-digit seconds', () => {
    assert.equal(formatDuration(60), '1m00s');
    assert.equal(formatDuration(118), '1m58s');
    assert.equal(formatDuration(123), '2m03s');
    assert.equal(formatDuration(3599.9), '59m59s');
  });

  test('under a day: hours and two-digit minutes', () => {
    assert.equal(formatDuration(3600), '1h00m');
    assert.equal(formatDuration(3 * 3600 + 4 * 60 + 59), '3h04m');
    assert.equal(formatDuration(86399), '23h59m');
  });

  test('a day or more: days and two-digit hours', () => {
    assert.equal(formatDuration(86400), '1d00h');
    assert.equal(formatDuration(12 * 86400 + 3 * 3600 + 59 * 60), '12d03h');
    assert.equal(formatDuration(400 * 86400), '400d00h');
  });

  test('null and NaN are empty; negative (clock skew) is zero', () => {
    assert.equal(formatDuration(null), '');
    assert.equal(formatDuration(Number.NaN), '');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '');
    assert.equal(formatDuration(-3), '0.0s');
  });

  test('formatAge is the same function', () => {
    assert.equal(formatAge(118), '1m58s');
  });
});

describe('parseDuration', () => {
  test('reads PostgreSQL-style units into milliseconds', () => {
    assert.equal(parseDuration('2s'), 2000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30min'), 1_800_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('.5s'), 500);
    assert.equal(parseDuration('1500us'), 2);
  });

  test('a bare number is seconds; spaces around and before the unit are allowed', () => {
    assert.equal(parseDuration('3'), 3000);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration(' 2 s '), 2000);
  });

  test('rejects anything else with a message naming the input', () => {
    for (const text of ['', 'abc', '2m', '2 minutes', '-1s', '1e3s', '2S', '1.s', 's', '1s2']) {
      assert.throws(
        () => parseDuration(text),
        (error: unknown) =>
          error instanceof Error &&
          error.message ===
            `invalid duration "${text}": expected a number with one of the units us, ms, s, min, h, d (e.g. 2s, 500ms, 30min)`,
        text,
      );
    }
  });
});

describe('formatBytes', () => {
  test('bytes, then binary units with one decimal', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(23.4 * 1024 ** 2), '23.4 MiB');
    assert.equal(formatBytes(1.2 * 1024 ** 3), '1.2 GiB');
    assert.equal(formatBytes(5 * 1024 ** 4), '5.0 TiB');
  });

  test('a value that rounds up to 1024 moves to the next unit', () => {
    assert.equal(formatBytes(1024 * 1024 - 1), '1.0 MiB');
    assert.equal(formatBytes(1024 ** 3 - 1), '1.0 GiB');
  });

  test('negative, null and NaN', () => {
    assert.equal(formatBytes(-2048), '-2.0 KiB');
    assert.equal(formatBytes(null), '');
    assert.equal(formatBytes(Number.NaN), '');
  });
});

describe('formatCount', () => {
  test('plain under a thousand, then k, M, G with one decimal under 10', () => {
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(1000), '1.0k');
    assert.equal(formatCount(1234), '1.2k');
    assert.equal(formatCount(12_345), '12k');
    assert.equal(formatCount(999_000), '999k');
    assert.equal(formatCount(1_234_567), '1.2M');
    assert.equal(formatCount(45_000_000), '45M');
    assert.equal(formatCount(3_000_000_000), '3.0G');
  });

  test('rounding never shows 1000 of a unit or 10.0 of one', () => {
    assert.equal(formatCount(999.6), '1.0k');
    assert.equal(formatCount(9_960), '10k');
    assert.equal(formatCount(999_600), '1.0M');
  });

  test('rates: a fraction under 10 keeps one decimal', () => {
    assert.equal(formatCount(0.4), '0.4');
    assert.equal(formatCount(9.94), '9.9');
    assert.equal(formatCount(9.96), '10');
    assert.equal(formatCount(12.6), '13');
    assert.equal(formatCount(0.01), '0');
  });

  test('negative, null and NaN', () => {
    assert.equal(formatCount(-1500), '-1.5k');
    assert.equal(formatCount(null), '');
    assert.equal(formatCount(Number.NaN), '');
  });
});

describe('formatPercent', () => {
  test('a ratio with one decimal', () => {
    assert.equal(formatPercent(0.997), '99.7%');
    assert.equal(formatPercent(1), '100.0%');
    assert.equal(formatPercent(0), '0.0%');
    assert.equal(formatPercent(0.5), '50.0%');
    assert.equal(formatPercent(null), '');
    assert.equal(formatPercent(Number.NaN), '');
  });
});
