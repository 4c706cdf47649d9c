import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StateCommand } from '../../src/store/commands.js';
import { reduce } from '../../src/store/reduce.js';
import { keysToShow, statementsViewModel } from '../../src/store/statements-selectors.js';
import { statementsEvery } from '../../src/actions/statements-feed.js';
import { initialState, type AppState } from '../../src/store/state.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';
import { syntheticEntry, syntheticStatements } from '../helpers/synthetic-statements.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const command = (state: AppState, ...ids: StateCommand[]): AppState => ids.reduce((s, id) => reduce(s, { type: 'command', command: id }), state);
const keysShown = (state: AppState): string[] => statementsViewModel(state.statements, 30).rows.map((r) => r.rate.entry.queryId);

function withStatements(): AppState {
  let state = initialState({ intervalSeconds: 1, readOnly: false, columns: 160, rows: 40, target: 'db', now: NOW });
  state = reduce(state, { type: 'statements-data', snapshot: syntheticStatements(3, 0), diagnosis: null, at: NOW });
  // Over 10 s: 1 gets 100 calls of 1 ms, 2 one call of 50 ms, 3 nothing.
  const later = syntheticStatements(3, 10, [syntheticEntry('1', 110, 105), syntheticEntry('2', 21, 60), syntheticEntry('3', 30, 15)]);
  state = reduce(state, { type: 'statements-data', snapshot: later, diagnosis: null, at: NOW + 10_000 });
  state = reduce(state, { type: 'statements-texts', texts: { '1/1/10': 'SELECT * FROM orders WHERE id = $1', '2/1/10': 'UPDATE stock SET n = n - $1', '3/1/10': 'SELECT now()' } });
  return command({ ...state, view: 'statements' });
}

describe('the Statements view state', () => {
  test('sorted by time per second, then by any column, reversed', () => {
    const state = withStatements();
    assert.deepEqual(keysShown(state), ['1', '2', '3']);
    const byCalls = command(state, 'sort.left');
    assert.equal(byCalls.statements.sortColumn, 'calls');
    assert.deepEqual(keysShown(byCalls), ['1', '2', '3']);
    const byMean = command(state, 'sort.right', 'sort.right');
    assert.equal(byMean.statements.sortColumn, 'mean');
    assert.deepEqual(keysShown(byMean), ['2', '1', '3'], 'mean: 50 ms, 1 ms, none');
    assert.deepEqual(keysShown(command(byMean, 'sort.reverse')), ['1', '2', '3'], 'ascending, nothing last');
  });

  test('totals since the reset order by the cumulative figures', () => {
    const totals = command(withStatements(), 'statements.mode');
    assert.equal(totals.statements.mode, 'totals');
    assert.deepEqual(keysShown(totals), ['1', '2', '3'].sort((a, b) => ({ 1: 105, 2: 60, 3: 15 })[b as '1'] - ({ 1: 105, 2: 60, 3: 15 })[a as '1']));
    const row = statementsViewModel(totals.statements, 30).rows[0];
    assert.equal(row?.values.calls, 110);
  });

  test('filters by text, by column=value, and clears with Esc', () => {
    let state = command(withStatements(), 'filter.open');
    state = reduce(state, { type: 'filter-draft', text: 'stock' });
    assert.deepEqual(keysShown(state), ['2'], 'free text while typing');
    state = reduce(state, { type: 'filter-apply', text: 'query=orders' });
    assert.deepEqual(keysShown(state), ['1']);
    state = reduce(state, { type: 'filter-apply', text: 'db=nope' });
    assert.deepEqual(keysShown(state), []);
    assert.deepEqual(keysShown(command(state, 'filter.clear')), ['1', '2', '3']);
    let byRole = reduce(withStatements(), { type: 'statements-data', snapshot: syntheticStatements(3, 20, [syntheticEntry('1', 120, 110), syntheticEntry('2', 22, 70, { user: 'reporting' }), syntheticEntry('3', 31, 16)]), diagnosis: null, at: NOW + 20_000 });
    byRole = reduce(byRole, { type: 'filter-apply', text: 'user=reporting' });
    assert.deepEqual(keysShown(byRole), ['2'], "user= keeps that role's statements");
    assert.equal(withStatements().sessions.filter, '', 'the Sessions filter is its own');
  });

  test('Enter opens the selected statement, arrows scroll its text, Esc closes it', () => {
    let state = command(withStatements(), 'move.down', 'detail.open');
    assert.equal(state.statements.detailKey, '2/1/10');
    state = command(state, 'move.down', 'move.down');
    assert.equal(state.statements.detailScroll, 2);
    assert.equal(state.statements.selection.key, '2/1/10', 'the list selection stays');
    state = command(state, 'filter.clear');
    assert.equal(state.statements.detailKey, undefined);
  });

  test('a reset by anyone is remembered and marked; rates restart', () => {
    const state = withStatements();
    const reset = syntheticStatements(1, 20, [syntheticEntry('1', 4, 2)]);
    const after = reduce(state, { type: 'statements-data', snapshot: { ...reset, statsReset: '2024-05-01T12:00:18.000Z' }, diagnosis: null, at: NOW + 20_000 });
    assert.equal(after.statements.resetAt, '2024-05-01T12:00:18.000Z');
    assert.equal(after.statements.rates?.rows[0]?.callsPerSecond, 2);
  });

  test('S jumps from a session to its statement by query id; says why when it cannot', () => {
    let state = withStatements();
    const session = syntheticSession(7, { queryId: '2', database: 'app', user: 'app' });
    state = reduce(state, { type: 'pg-data', snapshot: syntheticSnapshot([session, syntheticSession(8, { queryId: '99' })]), ownPid: undefined, at: NOW });
    const jumped = command({ ...state, view: 'sessions', detailPid: 7 }, 'statement.ofSession');
    assert.deepEqual([jumped.view, jumped.statements.detailKey, jumped.detailPid], ['statements', '2/1/10', undefined]);
    // Not in the last fetch: the view is shown, and the next fetch decides.
    const unknown = command({ ...state, view: 'sessions', detailPid: 8 }, 'statement.ofSession');
    assert.deepEqual([unknown.view, unknown.statements.jumpFrom, unknown.message], ['statements', 8, undefined]);
    const fetched = reduce(unknown, { type: 'statements-data', snapshot: syntheticStatements(3, 20), diagnosis: null, at: NOW + 20_000 });
    assert.match(fetched.message?.text ?? '', /no pg_stat_statements entry for query id 99/);
    assert.equal(fetched.statements.jumpFrom, undefined);
    const withEntry = syntheticStatements(3, 20, [syntheticEntry('99', 5, 5)]);
    const landed = reduce(unknown, { type: 'statements-data', snapshot: withEntry, diagnosis: null, at: NOW + 20_000 });
    assert.deepEqual([landed.view, landed.statements.detailKey, landed.message], ['statements', '99/1/10', undefined]);
    const off = reduce(state, { type: 'statements-data', snapshot: { ...syntheticStatements(3, 30), settings: { ...syntheticStatements(0).settings, computeQueryId: 'off' } }, diagnosis: null, at: NOW });
    const offJump = command({ ...off, view: 'sessions', detailPid: 8 }, 'statement.ofSession');
    assert.match(offJump.message?.text ?? '', /compute_query_id is off/);
  });

  test('the plan panel opens over a detail and Esc closes it first', () => {
    let state = command(withStatements(), 'detail.open');
    state = reduce(state, { type: 'plan-open', of: 'statement 1' });
    state = reduce(state, { type: 'plan-result', result: { kind: 'refused', reason: 'no' } });
    assert.equal(state.plan?.result?.kind, 'refused');
    state = command(state, 'filter.clear');
    assert.deepEqual([state.plan, state.statements.detailKey], [undefined, '1/1/10']);
  });

  test('texts are wanted for the rows on screen and the open detail only, every text for a text filter or the query sort', () => {
    let state = withStatements();
    state = reduce(state, { type: 'statements-data', snapshot: syntheticStatements(50, 20), diagnosis: null, at: NOW + 20_000 });
    assert.equal(keysToShow(state.statements, 5).length, 5, 'a window of five rows');
    const detail = command(state, 'detail.open');
    assert.ok(keysToShow(detail.statements, 5).includes(detail.statements.detailKey ?? ''));
    assert.equal(keysToShow(reduce(state, { type: 'filter-apply', text: 'orders' }).statements, 5).length, 50);
    assert.equal(keysToShow(reduce(state, { type: 'filter-apply', text: 'db=app' }).statements, 5).length, 5, 'a column filter needs no text');
    assert.equal(keysToShow({ ...state.statements, sortColumn: 'query' }, 5).length, 50);
  });

  test('pg_stat_statements is fetched every fifth tick, never more often than every 2 s; soon again after a first fetch', () => {
    assert.equal(statementsEvery({ ...withStatements(), intervalSeconds: 2 }), 5);
    assert.equal(statementsEvery({ ...withStatements(), intervalSeconds: 0.2 }), 10);
    const first = withStatements();
    const firstRates = first.statements.rates && { ...first.statements.rates, intervalSeconds: null };
    assert.equal(statementsEvery({ ...first, intervalSeconds: 1, statements: { ...first.statements, rates: firstRates } }), 2);
    assert.equal(statementsEvery({ ...first, intervalSeconds: 0.5, statements: { ...first.statements, rates: firstRates } }), 4);
  });
});
