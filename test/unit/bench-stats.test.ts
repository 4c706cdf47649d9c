import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { growth, median, p95, quantile, round, slope } from '../../bench/stats.js';

describe('quantiles', () => {
  test('nearest rank', () => {
    const values = [5, 1, 4, 2, 3];
    assert.equal(median(values), 3);
    assert.equal(quantile(values, 0), 1);
    assert.equal(quantile(values, 1), 5);
    assert.equal(p95(Array.from({ length: 100 }, (_, i) => i + 1)), 95);
  });

  test('no samples gives NaN', () => {
    assert.ok(Number.isNaN(median([])));
  });
});

describe('slope', () => {
  test('least squares', () => {
    assert.equal(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
    assert.equal(slope([{ x: 1, y: 7 }]), 0);
  });
});

describe('growth', () => {
  const run = (mb: (i: number) => number) => Array.from({ length: 20 }, (_, i) => ({ tick: (i + 1) * 500, mb: mb(i) }));

  test('a steady climb is growing', () => {
    const verdict = growth(run((i) => 20 + i * 0.6), 2);
    assert.equal(verdict.growing, true);
    assert.equal(round(verdict.slopePer1000, 2), 1.2);
    assert.equal(verdict.first, 20);
  });

  test('memory that swings around a level is not', () => {
    const verdict = growth(run((i) => (i % 2 === 0 ? 128 : 205)), 10);
    assert.equal(verdict.growing, false);
  });

  test('a warm-up followed by a plateau is not', () => {
    const verdict = growth(run((i) => (i < 3 ? 100 + i * 20 : 160)), 10);
    assert.equal(verdict.growing, false);
    assert.equal(verdict.lastThirdMedian, 160);
  });
});
