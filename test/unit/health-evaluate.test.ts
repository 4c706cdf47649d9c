import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHECKS, evaluate } from '../../src/health/checks.js';
import type { HealthInput } from '../../src/health/input.js';

describe('evaluating the health checks', () => {
  test('a check that throws is UNKNOWN with the reason, and the other checks still run', () => {
    const unreadable = new Proxy({}, { get: () => { throw new Error('the data could not be read'); } }) as HealthInput;
    const findings = evaluate(unreadable);
    assert.equal(findings.length, CHECKS.length, 'one finding for each check, none lost to the failure');
    for (const finding of findings) {
      assert.equal(finding.severity, 'unknown', finding.id);
      assert.match(finding.summary, /the check failed: the data could not be read/, finding.id);
      assert.match(finding.action, /--debug/, finding.id);
    }
  });
});
