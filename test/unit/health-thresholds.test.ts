import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sequenceUsage } from '../../src/health/checks/schema.js';
import { formatCheckReport, selectFindings } from '../../src/health/report.js';
import { applyThresholdOverrides, defaultThresholds, describeThresholds } from '../../src/config/health-thresholds.js';
import { exitCodeFor, worstSeverity, type Finding } from '../../src/health/types.js';

const finding = (id: string, severity: Finding['severity']): Finding => ({ id, severity, summary: `${id} is ${severity}`, evidence: ['e1'], why: 'w', action: 'a', threshold: 't' });

describe('health thresholds', () => {
  it('parse durations, sizes, shares and counts with their units', () => {
    const t = applyThresholdOverrides(defaultThresholds(), ['idle_in_transaction_warning=2min', 'slot_retained_warning=512MB', 'connections_warning=70%', 'lock_queue_critical=3', 'long-query-critical=1h']);
    assert.equal(t.idleInTransactionWarning, 120);
    assert.equal(t.slotRetainedWarning, 512 * 1024 ** 2);
    assert.equal(t.connectionsWarning, 0.7);
    assert.equal(t.lockQueueCritical, 3);
    assert.equal(t.longQueryCritical, 3600);
    assert.equal(describeThresholds(t).idle_in_transaction_warning, '2min');
  });
  it('refuse unknown names and values without the right unit', () => {
    assert.throws(() => applyThresholdOverrides(defaultThresholds(), ['nope=1']), /unknown threshold "nope"; known: connections_warning/);
    assert.throws(() => applyThresholdOverrides(defaultThresholds(), ['connections_warning=170%']), /needs a percentage such as 80%/);
    assert.throws(() => applyThresholdOverrides(defaultThresholds(), ['lock_queue_critical=2.5']), /needs a whole number/);
  });
});

describe('health findings', () => {
  it('the worst severity: critical over warning over unknown over ok, mapped to 2, 1, 3, 0', () => {
    assert.equal(worstSeverity(['ok', 'unknown', 'warning']), 'warning');
    assert.equal(worstSeverity(['ok', 'unknown']), 'unknown');
    assert.equal(worstSeverity([]), 'ok');
    assert.deepEqual((['ok', 'warning', 'critical', 'unknown'] as const).map(exitCodeFor), [0, 1, 2, 3]);
  });
  it('a sequence near the end of bigint is measured exactly, descending ones from the top', () => {
    assert.equal(sequenceUsage({ last_value: '9223372036854775000', min_value: '1', max_value: '9223372036854775807', increment_by: '1' }), 0.999999);
    assert.equal(sequenceUsage({ last_value: '-90', min_value: '-100', max_value: '-1', increment_by: '-1' }), 0.898989);
    assert.equal(sequenceUsage({ last_value: null, min_value: '1', max_value: '10', increment_by: '1' }), null);
  });
  it('--only and --skip select by id or group; the report lists problems only, worst first', () => {
    const all = [finding('vacuum.wraparound', 'ok'), finding('vacuum.xmin_horizon', 'warning'), finding('locks.queue', 'critical'), finding('server.checkpoints', 'unknown')];
    assert.deepEqual(selectFindings(all, ['vacuum'], ['vacuum.wraparound']).map((f) => f.id), ['vacuum.xmin_horizon']);
    assert.equal(
      formatCheckReport(all),
      'pgtop check CRITICAL: 1 critical, 1 warning, 1 unknown, 1 ok\nCRITICAL locks.queue: locks.queue is critical [t]\nWARNING vacuum.xmin_horizon: vacuum.xmin_horizon is warning [t]\nUNKNOWN server.checkpoints: server.checkpoints is unknown [t]',
    );
  });
});
