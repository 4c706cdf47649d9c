import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/health/types.js';
import { healthRows } from '../../src/store/health.js';
import { reduce } from '../../src/store/reduce.js';
import { initialState, type AppState } from '../../src/store/state.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

const finding = (id: string, severity: Finding['severity'], target?: Finding['target']): Finding => ({ id, severity, summary: id, evidence: [], why: '', action: '', threshold: '', ...(target ? { target } : {}) });

function withFindings(findings: Finding[]): AppState {
  let state = initialState({ intervalSeconds: 2, readOnly: false, columns: 120, rows: 30, target: 't', bouncerTarget: 'b' });
  state = reduce(state, { type: 'pg-data', snapshot: syntheticSnapshot([syntheticSession(42, { state: 'idle' }), syntheticSession(43)]), ownPid: 1, at: 1 });
  state = reduce(state, { type: 'health-data', findings, at: 2 });
  return reduce(state, { type: 'command', command: 'view.health' });
}

describe('the Health view in the store', () => {
  it('lists findings worst first, in the checks order within a severity', () => {
    const state = withFindings([finding('a', 'ok'), finding('b', 'warning'), finding('c', 'critical'), finding('d', 'unknown'), finding('e', 'warning')]);
    assert.deepEqual(healthRows(state).map((f) => f.id), ['c', 'b', 'e', 'd', 'a']);
  });

  it('Enter opens the selected finding, Esc closes it', () => {
    let state = withFindings([finding('a', 'ok'), finding('b', 'critical')]);
    state = reduce(state, { type: 'command', command: 'move.down' });
    state = reduce(state, { type: 'command', command: 'detail.open' });
    assert.equal(state.health.detailId, 'a');
    state = reduce(state, { type: 'command', command: 'filter.clear' });
    assert.equal(state.health.detailId, undefined);
  });

  it('g goes to the session (selected, detail open, idle shown when it is idle), to the pool, or to the view', () => {
    let state = reduce(withFindings([finding('s', 'critical', { kind: 'session', pid: 42 })]), { type: 'command', command: 'health.jump' });
    assert.equal(state.view, 'sessions');
    assert.equal(state.detailPid, 42);
    assert.equal(state.sessions.showIdle, true);
    assert.equal(state.sessions.selection.key, 42);
    state = reduce(withFindings([finding('p', 'warning', { kind: 'pool', database: 'shop', user: 'api' })]), { type: 'command', command: 'health.jump' });
    assert.equal(state.view, 'pools');
    assert.equal(state.bouncer.selection.key, 'shop/api');
    state = reduce(withFindings([finding('m', 'warning', { kind: 'view', view: 'migrations' })]), { type: 'command', command: 'health.jump' });
    assert.equal(state.view, 'migrations');
    state = reduce(withFindings([finding('r', 'warning', { kind: 'slot', name: 'idle_slot' })]), { type: 'command', command: 'health.jump' });
    assert.equal(state.view, 'replication');
    assert.equal(state.replication.selection.key, 'idle_slot');
    const stay = withFindings([finding('n', 'ok')]);
    assert.equal(reduce(stay, { type: 'command', command: 'health.jump' }), stay, 'a finding without a target goes nowhere');
  });
});
