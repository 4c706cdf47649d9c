import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import chalk from 'chalk';
import stringWidth from 'string-width';
import { footerHints, helpEntries } from '../../src/keymap/help.js';
import type { PgSnapshot, Session, WaitingLock } from '../../src/sources/types.js';
import { reduce } from '../../src/store/reduce.js';
import { initialState, type AppState, type SessionTarget } from '../../src/store/state.js';
import { MIN_COLUMNS, MIN_ROWS } from '../../src/store/layout.js';
import { screenLines } from '../../src/ui/screen-lines.js';
import { sessionFields } from '../../src/store/session-fields.js';
import { poolFields } from '../../src/store/pool-fields.js';
import { sessionColumns } from '../../src/ui/columns/session-columns.js';
import { poolColumns } from '../../src/ui/columns/pool-columns.js';
import { chalkLevelInSuite } from '../helpers/chalk-level.js';
import { syntheticSession, syntheticSnapshot } from '../helpers/synthetic.js';
import { unsafeCharacters } from '../helpers/terminal-safety.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const SIZES = [
  [80, 20],
  [80, 24],
  [120, 40],
  [200, 50],
] as const;

// Text a server may send: wide CJK, emoji (with modifiers and joiners), combining marks, and every kind of
// control: escape sequences, BEL, backspace, DEL, C1, bidi overrides, line and paragraph separators.
const HOSTILE = '\x1b]0;PWNED\x07\x1b[31m\x1b[10;10H\x1b[2J\b\x7f\u009b\u202e\u2066\u2028';
const WIDE = '漢字のクエリ 😀👍🏽👨‍👩‍👧 é';

/** Text fields with wide and hostile text on some pids, and states and ages that vary with the pid. */
const varied = (pid: number): Partial<Session> => ({
  database: pid % 3 === 0 ? `データ${HOSTILE}` : 'app',
  user: pid % 4 === 0 ? `ユーザー😀${HOSTILE}` : 'api',
  application: pid % 2 === 0 ? `アプリ🚀${HOSTILE}` : 'web',
  client: pid % 5 === 0 ? 'local' : '10.0.0.1',
  state: pid % 7 === 0 ? 'idle in transaction' : 'active',
  backendStartUs: '1714561200000000',
  xactAgeSeconds: pid * 3,
  queryAgeSeconds: pid * 2,
  query: `SELECT ${WIDE} ${HOSTILE} FROM 表${pid}\n  WHERE\tx = '${'長'.repeat(pid % 40)}' -- ${HOSTILE}`,
});

const session = (pid: number, overrides: Partial<Session> = {}): Session => syntheticSession(pid, { ...varied(pid), ...overrides });

function snapshot(): PgSnapshot {
  const sessions: Session[] = [];
  for (let pid = 100; pid < 160; pid++) sessions.push(session(pid));
  sessions.push(session(200, { state: 'idle in transaction' }));
  sessions.push(session(201, { blockedBy: [200], waitEventType: 'Lock', waitEvent: 'transactionid' }));
  sessions.push(session(202, { blockedBy: [201], waitEventType: 'Lock', waitEvent: 'tuple' }));
  sessions.push(session(203, { blockedBy: [200, 201], waitEventType: 'Lock', waitEvent: `tuple${HOSTILE}` }));
  sessions.push(session(204, { hidden: true, state: null, query: null, user: null }));
  sessions.push(session(205, { state: 'idle' }));
  sessions.push(session(206, { query: `${'x'.repeat(3000)} 最後` }));
  const waiting = (pid: number): WaitingLock => ({
    pid,
    lockType: 'transactionid',
    mode: 'ShareLock',
    relation: `テーブル${HOSTILE}`,
    object: `xid 7${HOSTILE}`,
    waitStart: null,
    waitSeconds: 12.5,
  });
  return syntheticSnapshot(sessions, {
    takenAt: new Date(NOW).toISOString(),
    server: { version: `16.4 ${HOSTILE}`, uptimeSeconds: 86400 * 12, xactTotal: 10, blocksHit: 10, blocksRead: 1 },
    waitingLocks: [waiting(201), waiting(202), waiting(203)],
    detail: {
      pid: 201,
      query: null,
      locks: [{ lockType: 'transactionid', mode: 'ShareLock', granted: false, relation: `テーブル${HOSTILE}`, object: 'xid 7' }],
      progress: [{ kind: 'vacuum', fields: { phase: `scanning${HOSTILE}`, heap_blks_total: 100 } }],
    },
  });
}

function base(columns: number, rows: number, overrides: Partial<AppState> = {}): AppState {
  const state = initialState({ intervalSeconds: 2, readOnly: false, columns, rows, target: `db1.example${HOSTILE}:5432/app`, now: NOW });
  return { ...reduce(state, { type: 'pg-data', snapshot: snapshot(), ownPid: undefined, at: NOW }), ...overrides };
}

const target = (pid: number): SessionTarget => ({ pid, backendStartUs: '1', queryStartUs: '2', pool: null, user: `ユーザー${HOSTILE}`, database: `データ${HOSTILE}`, queryExcerpt: `SELECT ${WIDE} ${HOSTILE}` });

/** Every screen worth drawing: each view, the detail, each dialog, errors and messages with hostile text. */
function scenarios(columns: number, rows: number): [string, AppState][] {
  const s = base(columns, rows);
  const withIdle = { ...s, sessions: { ...s.sessions, showIdle: true, tagged: [101, 102, 204] } };
  const message = (text: string, tone: 'ok' | 'error' | 'info'): AppState => ({ ...s, message: { text, tone, at: NOW } });
  return [
    ['sessions', s],
    ['sessions, idle shown and tagged', withIdle],
    ['sessions, scrolled to the end', reduce(withIdle, { type: 'command', command: 'move.end' })],
    ['sessions, sorted by query text', { ...s, sessions: { ...s.sessions, sortColumn: 'query', sortDescending: false } }],
    ['sessions, filter being typed', { ...s, sessions: { ...s.sessions, filterDraft: `app=${WIDE}${HOSTILE}` } }],
    ['sessions, filter matching nothing', { ...s, sessions: { ...s.sessions, filter: 'no-such-thing' } }],
    ['sessions, before any data', initialState({ intervalSeconds: 2, readOnly: false, columns, rows, target: 't', now: NOW })],
    ['locks', { ...s, view: 'locks' }],
    ['locks, the locks waited for not read', { ...s, view: 'locks', pg: { ...s.pg, snapshot: s.pg.snapshot && { ...s.pg.snapshot, waitingLocks: null } } }],
    ['detail', { ...s, detailPid: 201 }],
    ['detail of a 3000-character query', { ...s, detailPid: 206 }],
    ['detail of an ended session', { ...s, detailPid: 99999 }],
    ['pools, none configured', { ...s, view: 'pools' }],
    ['migrations', { ...s, view: 'migrations' }],
    ['backups', { ...s, view: 'backups' }],
    ['help, sessions', { ...s, dialog: { kind: 'help' } }],
    ['help, locks, read-only', { ...s, view: 'locks', readOnly: true, dialog: { kind: 'help' } }],
    ['help, pools', { ...s, view: 'pools', dialog: { kind: 'help' } }],
    ['terminate one', { ...s, dialog: { kind: 'signal', signal: 'terminate', targets: [target(201)] } }],
    ['cancel many', { ...s, dialog: { kind: 'signal', signal: 'cancel', targets: Array.from({ length: 80 }, (_, i) => target(100 + i)) } }],
    ['bouncer dialog', { ...s, view: 'pools', dialog: { kind: 'bouncer', command: { action: 'PAUSE', target: `shop${HOSTILE}`, label: `database ${WIDE}${HOSTILE}` } } }],
    ['backup dialog', { ...s, view: 'backups', dialog: { kind: 'backup', database: `app${HOSTILE}`, target: `db${HOSTILE}`, dir: `/tmp/${WIDE}${HOSTILE}` } }],
    ['disconnected', reduce(s, { type: 'pg-error', message: `could not connect ${WIDE}${HOSTILE}`, retryInMs: 1000, at: NOW + 3000 })],
    ['paused', { ...s, paused: true }],
    ['ok message', message(`terminated 201 ${WIDE}${HOSTILE}`, 'ok')],
    ['error message', message(`cannot terminate 201: ${'permission denied '.repeat(20)}${HOSTILE}`, 'error')],
    ['busy', { ...s, busy: `terminating 201, 202${HOSTILE}…` }],
    ['read-only', { ...s, readOnly: true }],
  ];
}

const SGR = /\x1b\[[0-9;]*m/g;

describe('screenLines', () => {
  chalkLevelInSuite(0);

  for (const [columns, rows] of SIZES) {
    test(`at ${columns}×${rows}: rows-1 lines, each exactly ${columns} columns, nothing a terminal would act on`, () => {
      const problems: string[] = [];
      for (const [name, state] of scenarios(columns, rows)) {
        const lines = screenLines(state);
        if (lines.length !== rows - 1) problems.push(`${name}: ${lines.length} lines`);
        lines.forEach((line, i) => {
          if (stringWidth(line) !== columns) problems.push(`${name}, line ${i + 1} is ${stringWidth(line)} wide: ${JSON.stringify(line)}`);
          const unsafe = unsafeCharacters(line);
          if (unsafe.length > 0) problems.push(`${name}, line ${i + 1} has ${unsafe.join(' ')}: ${JSON.stringify(line)}`);
        });
      }
      assert.deepEqual(problems, []);
    });
  }

  test('with colours on, the only escape sequences are SGR colours, and the widths still hold', () => {
    chalk.level = 1;
    try {
      for (const [columns, rows] of SIZES) {
        const problems: string[] = [];
        for (const [name, state] of scenarios(columns, rows)) {
          const lines = screenLines(state);
          if (lines.length !== rows - 1) problems.push(`${name}: ${lines.length} lines`);
          for (const line of lines) {
            const plain = line.replace(SGR, '');
            if (unsafeCharacters(plain).length > 0) problems.push(`${name}: ${JSON.stringify(line)}`);
            if (stringWidth(plain) !== columns) problems.push(`${name} at ${columns}: ${stringWidth(plain)} wide: ${JSON.stringify(plain)}`);
          }
        }
        assert.deepEqual(problems, []);
      }
    } finally {
      chalk.level = 0;
    }
  });

  test('the Locks view says when the locks waited for were not read, and draws the tree all the same', () => {
    const read = { ...base(160, 40), view: 'locks' as const };
    const shown = screenLines(read).join('\n');
    assert.match(shown, /ShareLock/);
    assert.doesNotMatch(shown, /not read at this time/);
    const unread = screenLines({ ...read, pg: { ...read.pg, snapshot: read.pg.snapshot && { ...read.pg.snapshot, waitingLocks: null } } }).join('\n');
    assert.match(unread, /locks waited for: not read at this time \(read while this view is shown\)/);
    assert.doesNotMatch(unread, /ShareLock/);
    for (const pid of [200, 201, 202, 203]) assert.match(unread, new RegExp(`\\b${pid}\\b`), `session ${pid} is in the tree`);
  });

  test('hostile text is drawn as visible escapes', () => {
    const detail = screenLines(base(200, 50, { detailPid: 201 })).join('\n');
    assert.match(detail, /\\x1b\]0;PWNED\\x07\\x1b\[31m\\x1b\[10;10H\\x1b\[2J\\x08\\x7f\\x9b\\u202e\\u2066\\u2028/);
    const sessions = screenLines(base(200, 50, { sessions: { ...base(200, 50).sessions, showIdle: true } })).join('\n');
    assert.match(sessions, /\\x1b\]0;PWNED/, 'in the table too');
    assert.match(sessions, /漢字のクエリ/);
  });

  test('header, tabs and footer frame every view; the selected row is on screen', () => {
    for (const [columns, rows] of SIZES) {
      for (const [name, state] of scenarios(columns, rows)) {
        const lines = screenLines(state);
        assert.match(lines[0] ?? '', /^ pgtop/, `${name}: header`);
        assert.ok(lines.slice(0, 4).some((l) => /\b1\b.*\b2\b.*\b3\b.*\b4\b.*\b5\b.*\b9\b/.test(l)), `${name}: tabs`);
        assert.match(lines.at(-1) ?? '', /\S/, `${name}: footer`);
      }
    }
    chalk.level = 1;
    try {
      const ended = reduce(reduce(base(80, 24, { sessions: { ...base(80, 24).sessions, showIdle: true } }), { type: 'command', command: 'move.end' }), {
        type: 'command',
        command: 'move.up',
      });
      const lines = screenLines(ended);
      const titles = lines.findIndex((line) => /^\s*PID\b/.test(line.replace(SGR, '')));
      assert.ok(titles > 0, 'the table has its column titles');
      const inverse = lines.slice(titles + 1).filter((line) => line.includes('\x1b[7m'));
      assert.equal(inverse.length, 1, 'one row is drawn selected');
      assert.match(inverse[0]?.replace(SGR, '') ?? '', /^\s*\d+ /, 'and it is a session row');
    } finally {
      chalk.level = 0;
    }
  });

  test('the help overlay lists each key of the view from the keymap, the footer its hints', () => {
    for (const view of ['sessions', 'locks', 'pools', 'migrations', 'backups'] as const) {
      for (const readOnly of [false, true]) {
        const state = base(200, 50, { view, readOnly, dialog: { kind: 'help' } });
        const text = screenLines(state).join('\n');
        for (const entry of helpEntries(view, readOnly)) {
          assert.ok(text.includes(entry.description), `${view}${readOnly ? ' read-only' : ''}: help lacks "${entry.description}"`);
        }
        const footer = screenLines({ ...state, dialog: undefined }).at(-1) ?? '';
        for (const hint of footerHints(view, readOnly)) {
          assert.ok(footer.includes(`${hint.keys} ${hint.label}`), `${view}: footer lacks ${hint.keys} ${hint.label}: ${footer}`);
        }
        if (readOnly) assert.doesNotMatch(`${text}\n${footer}`.replace(/^.*(Cancel the query|Terminate session).*$/gm, ''), /pg_cancel_backend|pg_terminate_backend/);
      }
    }
  });

  test('the confirmation dialog names the targets and says No is the default', () => {
    const lines = screenLines(base(120, 40, { dialog: { kind: 'signal', signal: 'terminate', targets: [target(201), target(202)] } }));
    const text = lines.join('\n');
    assert.match(text, /Terminate 2 sessions\?/);
    assert.match(text, /pid 201/);
    assert.match(text, /pid 202/);
    assert.match(text, /y terminate/);
    assert.match(text, /default/);
  });

  test(`below ${MIN_COLUMNS}×${MIN_ROWS} the screen says the terminal is too small, within its bounds`, () => {
    for (const [columns, rows] of [
      [79, 24],
      [80, 19],
      [40, 10],
      [200, 5],
      [20, 12],
    ] as const) {
      const lines = screenLines(base(columns, rows));
      assert.ok(lines.length >= 1 && lines.length <= rows - 1, `${columns}×${rows}: ${lines.length} lines`);
      for (const line of lines) assert.ok(stringWidth(line) <= columns, `${columns}×${rows}: ${JSON.stringify(line)}`);
      assert.match(lines.join(''), /terminal too small/, `${columns}×${rows}`);
      assert.match(lines.join(''), new RegExp(`${columns}×${rows}`), 'it says the size it has');
    }
    assert.doesNotMatch(screenLines(base(80, 20)).join('\n'), /terminal too small/, '80×20 is enough');
  });
});

describe('columns', () => {
  test('the screen draws a column for each field the store sorts and filters by, in the same order', () => {
    assert.deepEqual(sessionColumns.map((c) => c.id), sessionFields.map((f) => f.id));
    assert.deepEqual(poolColumns.map((c) => c.id), poolFields.map((f) => f.id));
  });
});
