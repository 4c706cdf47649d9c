import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import type { ConnectionSettings } from '../../src/config/types.js';
import { PostgresSource } from '../../src/sources/postgres.js';
import { initialState } from '../../src/store/state.js';
import { Controller } from '../../src/ui/controller.js';
import { screenLines } from '../../src/ui/screen-lines.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const SETTINGS: ConnectionSettings = { host: '127.0.0.1', port: 1, user: 'tester', database: 'app', sslmode: 'disable', extra: {} };
const REFUSAL =
  'cancel of pid 4242 refused: permission denied to cancel query; only roles with the privileges of the role whose process is being cancelled may cancel it. ' +
  'Role app_reader needs pg_signal_backend (GRANT pg_signal_backend TO app_reader) or to be the same role as the session.';

/** The screen's text, lines joined with spaces and runs of spaces folded: what a reader can read on it. */
const readable = (lines: string[]): string => lines.map((line) => stripVTControlCharacters(line).replace(/[│┌┐└┘─]/g, ' ').trim()).join(' ').replace(/\s+/g, ' ');

describe('a message longer than the footer', () => {
  for (const columns of [80, 140]) {
    test(`can be read in full on a ${columns}-column screen (m shows the messages)`, () => {
      const controller = new Controller(initialState({ intervalSeconds: 2, readOnly: false, columns, rows: 30, target: 't', now: NOW }), {
        source: new PostgresSource(SETTINGS),
        settings: SETTINGS,
        onQuit: () => undefined,
        now: () => NOW,
      });
      controller.dispatch({ type: 'message', text: REFUSAL, tone: 'error', at: NOW });
      const footer = stripVTControlCharacters(screenLines(controller.getState()).at(-1) ?? '');
      assert.ok(footer.length <= columns);
      controller.handleKey('m', 'm');
      const screen = screenLines(controller.getState());
      assert.ok(screen.every((line) => stripVTControlCharacters(line).length === columns));
      assert.ok(readable(screen).includes(REFUSAL), `the whole message is on screen:\n${screen.map((l) => stripVTControlCharacters(l)).join('\n')}`);
      controller.handleKey('x', 'x');
      assert.equal(controller.getState().dialog, undefined, 'any key closes it');
    });
  }
});
