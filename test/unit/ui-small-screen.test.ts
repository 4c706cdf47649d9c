import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { resolveKey } from '../../src/keymap/router.js';
import type { Session } from '../../src/sources/types.js';
import { MIN_COLUMNS, MIN_ROWS } from '../../src/store/layout.js';
import { reduce } from '../../src/store/reduce.js';
import { VIEWS, initialState, type AppState, type Dialog, type SessionTarget } from '../../src/store/state.js';
import { shortTarget } from '../../src/ui/components/header.js';
import { screenLines } from '../../src/ui/screen-lines.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const CLOCK = new Date(NOW).toTimeString().slice(0, 8);

const sessions = (): Session[] => [
  syntheticSession(4312, { state: 'active', waitEventType: 'Lock', waitEvent: 'tuple', blockedBy: [4290], xactAgeSeconds: 123, queryAgeSeconds: 118, query: 'UPDATE orders SET paid = true WHERE id = 42' }),
  syntheticSession(4290, { state: 'idle in transaction', xactAgeSeconds: 300, queryAgeSeconds: 290 }),
  syntheticSession(4100, { state: 'active', queryAgeSeconds: 2 }),
];

function state(columns: number, rows: number, overrides: Partial<AppState> = {}): AppState {
  const start = initialState({ intervalSeconds: 2, readOnly: false, columns, rows, target: '/var/run/postgresql:5432/shop', now: NOW });
  const snapshot = syntheticSnapshot(sessions(), { server: { maxConnections: 200, uptimeSeconds: 86400 * 12 } });
  return { ...reduce(start, { type: 'pg-data', snapshot, ownPid: undefined, at: NOW }), ...overrides };
}

const plain = (lines: string[]): string[] => lines.map((line) => stripVTControlCharacters(line));
const shown = (lines: string[]): string => plain(lines).join('\n');
const target = (pid: number): SessionTarget => ({ pid, backendStartUs: '1', queryStartUs: '2', pool: null, user: 'api', database: 'shop', queryExcerpt: 'UPDATE orders SET paid = true' });
const step = (version: number) => ({ direction: 'up' as const, version, fileName: `00${version}_add_a_rather_long_index_name.sql`, transactional: true, lockTimeoutMs: 5000, statementTimeoutMs: 60000, statementCount: 2 });

/** Every overlay and dialog, each over the view it opens in: a dialog kind missing here does not compile. */
const OVERLAYS_BY_KIND: { [K in Dialog['kind']]: [string, Partial<AppState>][] } = {
  help: [
    ...VIEWS.map((view): [string, Partial<AppState>] => [`help, ${view}`, { view, dialog: { kind: 'help' } }]),
    ['help, sessions, read-only', { readOnly: true, dialog: { kind: 'help' } }],
  ],
  messages: [['messages', { messages: Array.from({ length: 30 }, (_, i) => ({ text: `message ${i} ${'word '.repeat(i)}`, tone: 'info' as const, at: NOW })), dialog: { kind: 'messages' } }]],
  signal: [
    ['cancel many', { dialog: { kind: 'signal', signal: 'cancel', targets: Array.from({ length: 40 }, (_, i) => target(100 + i)) } }],
    ['terminate one', { dialog: { kind: 'signal', signal: 'terminate', targets: [target(4290)] } }],
  ],
  bouncer: [['bouncer', { view: 'pools', dialog: { kind: 'bouncer', command: { action: 'PAUSE', target: 'shop', label: 'database shop' } } }]],
  migrate: [['migrate', { view: 'migrations', dialog: { kind: 'migrate', database: 'shop', target: 'db1:5432/shop', role: 'owner', steps: Array.from({ length: 20 }, (_, i) => step(i + 1)), typed: 'sh' } }]],
  backup: [['backup', { view: 'backups', dialog: { kind: 'backup', database: 'shop', target: 'db1:5432/shop', dir: '/var/backups/postgresql/pgtop' } }]],
  quit: [['quit', { view: 'backups', dialog: { kind: 'quit', running: 'a backup' } }]],
  'statements-reset': [['statements reset', { view: 'statements', dialog: { kind: 'statements-reset', target: 'db1:5432/shop' } }]],
  'drop-slot': [
    [
      'drop slot',
      { view: 'vacuum', dialog: { kind: 'drop-slot', slot: { name: 'a_rather_long_logical_slot_name', type: 'logical', database: 'shop', retainedBytes: 12 * 1024 ** 3 }, target: 'db1:5432/shop', typed: 'a_' } },
    ],
  ],
  'rollback-prepared': [
    ['rollback prepared', { view: 'vacuum', dialog: { kind: 'rollback-prepared', prepared: { gid: 'order-4312-payment', database: 'shop', owner: 'api', ageXids: 1_200_000, ageSeconds: 86400 * 3 }, target: 'db1:5432/shop' } }],
  ],
};
const OVERLAYS = Object.values(OVERLAYS_BY_KIND).flat();

describe(`at the minimum size, ${MIN_COLUMNS}×${MIN_ROWS}`, () => {
  for (const [name, overrides] of OVERLAYS) {
    test(`${name}: the whole box is on screen and the footer keeps ? help and q quit`, () => {
      const lines = plain(screenLines(state(MIN_COLUMNS, MIN_ROWS, overrides)));
      assert.equal(lines.length, MIN_ROWS - 1);
      for (const line of lines) assert.equal(stringWidth(line), MIN_COLUMNS, line);
      const top = lines.findIndex((line) => line.includes('┌'));
      const bottom = lines.findIndex((line) => line.includes('└'));
      assert.ok(top > 0 && bottom > top, `the box has its top and bottom borders:\n${lines.join('\n')}`);
      for (const line of lines.slice(top + 1, bottom)) assert.match(line, /│.*│/, `every line inside the box has both sides:\n${lines.join('\n')}`);
      assert.match(lines.at(-1) ?? '', /\? help {2}q quit/, `the footer:\n${lines.join('\n')}`);
    });
  }

  test('the detail of a session fits, with the footer', () => {
    const lines = plain(screenLines(state(MIN_COLUMNS, MIN_ROWS, { detailPid: 4312 })));
    assert.equal(lines.length, MIN_ROWS - 1);
    assert.match(shown(lines), /4312/);
    assert.match(lines.at(-1) ?? '', /q quit/);
  });

  test('help of more keys than fit is paged: space turns the page, the last page closes on any key', () => {
    let current = state(MIN_COLUMNS, MIN_ROWS, { dialog: { kind: 'help' } });
    const seen = new Set<string>();
    let pages = 0;
    while (current.dialog?.kind === 'help') {
      pages++;
      const text = shown(screenLines(current));
      for (const match of text.matchAll(/│ ?(.*?) ?│/g)) seen.add(match[1] ?? '');
      const intent = resolveKey(current, 'space', ' ');
      assert.equal(intent.kind, 'dispatch');
      if (intent.kind === 'dispatch') current = reduce(current, intent.event);
      assert.ok(pages < 5, 'the pages end');
    }
    assert.ok(pages > 1, 'the Sessions keys take more than one page at 80×20');
    const all = [...seen].join('\n');
    for (const words of ['Sessions view', 'cancel the query', 'terminate the session', 'quit']) assert.ok(all.includes(words), `some page shows "${words}"`);
  });
});

describe('at 80 and 100 columns', () => {
  for (const columns of [80, 100]) {
    test(`${columns}: the header keeps the role, connections, session states and the clock; the host of a socket is "local"`, () => {
      const [line1 = '', line2 = ''] = plain(screenLines(state(columns, 24)));
      assert.match(line1, /^ pgtop {2}pg 16\.4 primary/);
      assert.match(line1, /conns 4\/200/);
      assert.match(line1, new RegExp(`${CLOCK} *$`), 'the clock, at the right edge');
      assert.match(line1, /local:5432\/shop/);
      assert.match(line2, /active 2 {2}idle 0 {2}idle-in-xact 1 {2}waiting 1/);
    });

    test(`${columns}: the Sessions view keeps state, wait, blocked by and the durations, and says how many columns it left out`, () => {
      const lines = plain(screenLines(state(columns, 24)));
      const titles = lines.find((line) => /^\s*PID\b/.test(line)) ?? '';
      assert.match(titles, /PID +(USER +)?STATE +WAIT +BLOCKED BY +XACT +QUERY▼? +SQL +\+\d+ cols $/, titles);
      const row = lines.find((line) => /^\s*4312\b/.test(line)) ?? '';
      assert.match(row, /4312 +(api +)?active +Lock:tuple +4290 +2m03s +1m58s +UPDATE/, row);
    });
  }

  test('a disconnected header keeps the session states and cuts the error, not the other way round', () => {
    const disconnected = reduce(state(80, 24), { type: 'pg-error', message: `could not connect to server: ${'Connection refused '.repeat(5)}`, retryInMs: 1000, at: NOW + 3000 });
    const line2 = plain(screenLines(disconnected))[1] ?? '';
    assert.match(line2, /^ active 2 {2}idle 0 {2}idle-in-xact 1 {2}waiting 1 {2}⚠ disconnected/, line2);
  });

  test("the footer keeps the view's actions before its other hints", () => {
    const footer = plain(screenLines(state(80, 24))).at(-1) ?? '';
    assert.match(footer, /c cancel {2}K terminate {2}.*\? help {2}q quit/, footer);
    const backups = plain(screenLines(state(80, 24, { view: 'backups', message: { text: 'backup verified: shop.dump', tone: 'ok', at: NOW } }))).at(-1) ?? '';
    assert.match(backups, /b backup {2}x cancel {2}.*\? help {2}q quit +✓ backup verified: shop\.dump/, backups);
  });

  test('a message in the footer leaves ? help and q quit on the line', () => {
    const message = { text: `backup verified: /var/backups/postgresql/pgtop/shop-20240501T120000Z-${'x'.repeat(40)}.dump`, tone: 'ok' as const, at: NOW };
    for (const view of VIEWS) {
      const footer = plain(screenLines(state(80, 24, { view, message }))).at(-1) ?? '';
      assert.match(footer, /\? help {2}q quit {2}✓ backup verified: .* m shows all {2}$/, `${view}: ${footer}`);
    }
  });

  test('a socket directory is shown as local; a host name or address as it is', () => {
    assert.equal(shortTarget('/var/run/postgresql:5432/shop'), 'local:5432/shop');
    assert.equal(shortTarget('/tmp:6432/app'), 'local:6432/app');
    assert.equal(shortTarget('db1.example.com:5432/shop'), 'db1.example.com:5432/shop');
    assert.equal(shortTarget('[::1]:5432/shop'), '[::1]:5432/shop');
  });
});
