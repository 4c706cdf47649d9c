import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialState, VIEWS } from '../../src/store/state.js';
import { tabsLine } from '../../src/ui/components/tabs.js';
import { displayWidth } from '../../src/text/width.js';

const stripSgr = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('the tabs line', () => {
  for (const columns of [80, 100, 120, 200]) {
    it(`at ${columns} columns shows the current view's key and whole title, and every view's key`, () => {
      for (const view of VIEWS) {
        const state = { ...initialState({ intervalSeconds: 2, readOnly: false, columns, rows: 30, target: 't' }), view };
        const line = stripSgr(tabsLine(state));
        assert.equal(displayWidth(line), columns);
        assert.ok(!line.includes('…'), `nothing cut at ${columns} in ${view}: ${line}`);
        for (const key of ['1', '2', '3', '4', '5', '6', '7', '8', '9']) assert.match(line, new RegExp(`\\b${key}\\b`), `${key} in ${line}`);
      }
    });
  }
  it('shortens the other titles only when the full ones do not fit', () => {
    const wide = stripSgr(tabsLine({ ...initialState({ intervalSeconds: 2, readOnly: false, columns: 200, rows: 30, target: 't' }), view: 'health' }));
    assert.match(wide, / 7 Replication .*\[9 Health\]/);
    const narrow = stripSgr(tabsLine({ ...initialState({ intervalSeconds: 2, readOnly: false, columns: 80, rows: 30, target: 't' }), view: 'health' }));
    assert.match(narrow, /\[9 Health\]/);
  });
});
