import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { byCodeUnits } from '../../src/text/order.js';

describe('byCodeUnits', () => {
  test('orders by code units, not by a locale: capitals before small letters, digits before both', () => {
    assert.deepEqual(['b.dump', 'B.dump', 'a.dump', '9.dump'].sort(byCodeUnits), ['9.dump', 'B.dump', 'a.dump', 'b.dump']);
    assert.deepEqual(['2026-12-03T10:00:00Z', '2026-12-03T09:59:59Z', ''].sort(byCodeUnits), ['', '2026-12-03T09:59:59Z', '2026-12-03T10:00:00Z']);
    assert.equal(byCodeUnits('x', 'x'), 0);
  });
});
