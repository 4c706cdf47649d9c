import type { ActionCommand } from '../actions/commands.js';
import type { StateCommand } from '../store/commands.js';
import type { ViewId } from '../store/state.js';
import type { TimelineMode } from '../store/timeline.js';

/** What a binding does: a change of the screen's state, or an action (actions/commands.ts). */
export type CommandId = StateCommand | ActionCommand;

/** One row of the keymap: the keys, what they do, where, and whether it changes anything on a server. */
export interface Binding {
  keys: string[];
  command: CommandId;
  description: string;
  /** Changes something on a server: confirmed, audited, and absent with --read-only. */
  dangerous?: boolean;
  /** The views where the binding works; every view when absent. */
  views?: ViewId[];
  /** Short label for the footer; bindings without one are only in the help. */
  hint?: string;
  /** Where the data comes from for the binding to work: live, a replay, a rewind; everywhere when absent. */
  timeline?: TimelineMode[];
}

const LIVE: TimelineMode[] = ['live'];
const MOVING: TimelineMode[] = ['replay', 'rewind'];
const EVERY_TIMELINE: TimelineMode[] = ['live', 'replay', 'rewind'];
/** The Migrations and Backups views read their files now, also while rewinding; a replay has none of them. */
const NOT_REPLAY: TimelineMode[] = ['live', 'rewind'];

const SESSION_VIEWS: ViewId[] = ['sessions', 'locks'];
const SORTED_VIEWS: ViewId[] = ['sessions', 'pools', 'statements'];
const FILTERED_VIEWS: ViewId[] = ['sessions', 'statements'];

/** The single source of truth for keys: input handling, the help overlay, the footer and the README's table. */
export const BINDINGS: readonly Binding[] = [
  { keys: ['1'], command: 'view.sessions', description: 'Sessions view' },
  { keys: ['2'], command: 'view.locks', description: 'Locks view (blocking tree)' },
  { keys: ['3'], command: 'view.pools', description: 'Pools view (PgBouncer)' },
  { keys: ['4'], command: 'view.migrations', description: 'Migrations view' },
  { keys: ['5'], command: 'view.backups', description: 'Backups view' },
  { keys: ['6'], command: 'view.statements', description: 'Statements view (pg_stat_statements)' },
  { keys: ['7'], command: 'view.replication', description: 'Replication view (standbys, slots, WAL, archiver)' },
  { keys: ['8'], command: 'view.vacuum', description: 'Vacuum view (progress, xmin horizon holders, wraparound)' },
  { keys: ['9'], command: 'view.health', description: 'Health view (findings of the health checks)' },
  { keys: ['tab'], command: 'view.next', description: 'next view' },
  { keys: ['shift-tab'], command: 'view.previous', description: 'previous view' },
  { keys: ['up', 'k'], command: 'move.up', description: 'select the row above' },
  { keys: ['down', 'j'], command: 'move.down', description: 'select the row below' },
  { keys: ['pageup'], command: 'move.pageUp', description: 'one page up' },
  { keys: ['pagedown'], command: 'move.pageDown', description: 'one page down' },
  { keys: ['home'], command: 'move.home', description: 'first row' },
  { keys: ['end'], command: 'move.end', description: 'last row' },
  { keys: ['/'], command: 'filter.open', description: 'filter: text, or column=value (app=api state=active; db= user= query= in Statements)', views: FILTERED_VIEWS, hint: 'filter' },
  { keys: ['escape'], command: 'filter.clear', description: 'clear the filter; close a detail or a plan', views: FILTERED_VIEWS },
  { keys: ['escape'], command: 'filter.clear', description: 'back from the finding to the list', views: ['health'] },
  { keys: ['<'], command: 'sort.left', description: 'sort by the column to the left', views: SORTED_VIEWS, hint: 'sort' },
  { keys: ['>'], command: 'sort.right', description: 'sort by the column to the right', views: SORTED_VIEWS },
  { keys: ['r'], command: 'sort.reverse', description: 'reverse the sort order', views: SORTED_VIEWS },
  { keys: ['i'], command: 'idle.toggle', description: 'show or hide idle sessions', views: ['sessions'], hint: 'idle' },
  { keys: ['o'], command: 'pooled.toggle', description: 'only the sessions that arrive through PgBouncer', views: ['sessions'] },
  { keys: ['enter'], command: 'detail.open', description: 'detail of the selected session or statement', views: [...SESSION_VIEWS, 'statements'], hint: 'detail' },
  { keys: ['t'], command: 'statements.mode', description: 'rates over the last interval, or totals since the last reset', views: ['statements'], hint: 'rates/totals' },
  { keys: ['S'], command: 'statement.ofSession', description: "the statement the session runs, in the Statements view (by query id)", views: SESSION_VIEWS },
  { keys: ['e'], command: 'plan.show', description: "plan of the open session's query, or of the selected statement's: EXPLAIN, never run, read-only", views: [...SESSION_VIEWS, 'statements'], hint: 'plan', timeline: LIVE },
  { keys: ['Z'], command: 'statements.reset', description: 'reset pg_stat_statements (every database and role), after y', dangerous: true, views: ['statements'], hint: 'reset' },
  { keys: ['enter'], command: 'detail.open', description: 'the finding in full: evidence, why it matters, what to do', views: ['health'], hint: 'detail' },
  { keys: ['g'], command: 'health.jump', description: "go to what the finding is about (the session, the pool, the view)", views: ['health'], hint: 'go to', timeline: LIVE },
  { keys: ['space'], command: 'tag.toggle', description: 'tag or untag the session (actions then apply to all tagged)', views: ['sessions'], hint: 'tag', timeline: LIVE },
  { keys: ['c'], command: 'session.cancel', description: 'cancel the query (pg_cancel_backend), after y', dangerous: true, views: SESSION_VIEWS, hint: 'cancel' },
  { keys: ['K'], command: 'session.terminate', description: 'terminate the session (pg_terminate_backend), after y', dangerous: true, views: SESSION_VIEWS, hint: 'terminate' },
  { keys: ['B'], command: 'session.killClient', description: 'kill the PgBouncer client behind the session (KILL_CLIENT, PgBouncer 1.24+), after y', dangerous: true, views: SESSION_VIEWS },
  { keys: ['P'], command: 'pool.pause', description: "PAUSE the pool's database (waits for its transactions), after y", dangerous: true, views: ['pools'], hint: 'pause db' },
  { keys: ['R'], command: 'pool.resume', description: "RESUME the pool's database, after y", dangerous: true, views: ['pools'], hint: 'resume' },
  { keys: ['X'], command: 'pool.reconnect', description: "RECONNECT the pool's database (new server connections), after y", dangerous: true, views: ['pools'], hint: 'reconnect' },
  { keys: ['D'], command: 'pool.disable', description: "DISABLE the pool's database (new clients refused), after y", dangerous: true, views: ['pools'] },
  { keys: ['E'], command: 'pool.enable', description: "ENABLE the pool's database, after y", dangerous: true, views: ['pools'] },
  { keys: ['D'], command: 'replication.dropSlot', description: 'drop the selected inactive replication slot, after typing its name', dangerous: true, views: ['replication'], hint: 'drop slot' },
  {
    keys: ['X'],
    command: 'vacuum.release',
    description: "release the selected horizon holder: terminate its session or ROLLBACK PREPARED (after y), drop its slot (after typing its name)",
    dangerous: true,
    views: ['vacuum'],
    hint: 'release',
  },
  { keys: ['a'], command: 'migrations.apply', description: 'apply the pending migrations: shows the plan, confirm by typing the database name', dangerous: true, views: ['migrations'], hint: 'apply' },
  { keys: ['x'], command: 'migrations.cancel', description: 'cancel the running migration (its statement cancelled, an Alembic child stopped)', dangerous: true, views: ['migrations'], hint: 'cancel' },
  { keys: ['d'], command: 'migrations.dryRun', description: "Alembic project: the SQL of Alembic's offline mode for the pending revisions; changes nothing", views: ['migrations'], hint: 'dry run', timeline: NOT_REPLAY },
  { keys: ['b'], command: 'backups.start', description: 'start a verified pg_dump backup of the database, after y', dangerous: true, views: ['backups'], hint: 'backup' },
  { keys: ['x'], command: 'backups.cancel', description: 'cancel the running backup (pg_dump stopped, partial file removed)', dangerous: true, views: ['backups'], hint: 'cancel' },
  { keys: ['v'], command: 'backups.verify', description: 'verify the selected dump again (sha256 and a full read)', views: ['backups'], hint: 'verify', timeline: NOT_REPLAY },
  { keys: [':'], command: 'target.pick', description: 'show another target of the profile: type its name (Tab completes, Enter switches, Esc closes)', timeline: LIVE },
  { keys: ['p'], command: 'refresh.pause', description: 'pause or resume refreshing (the data freezes)', hint: 'freeze', timeline: LIVE },
  { keys: ['+'], command: 'refresh.slower', description: 'refresh less often', timeline: LIVE },
  { keys: ['-'], command: 'refresh.faster', description: 'refresh more often', timeline: LIVE },
  { keys: ['p', 'space'], command: 'timeline.play', description: 'play or pause the recording (at the speed shown)', timeline: MOVING, hint: 'play' },
  { keys: [','], command: 'timeline.stepBack', description: 'one tick back (live: start rewinding the last minutes; polling goes on)', timeline: EVERY_TIMELINE, hint: 'back' },
  { keys: ['.'], command: 'timeline.stepForward', description: 'one tick forward', timeline: MOVING },
  { keys: ['['], command: 'timeline.back1m', description: 'one minute back (live: rewind)', timeline: EVERY_TIMELINE },
  { keys: [']'], command: 'timeline.forward1m', description: 'one minute forward', timeline: MOVING },
  { keys: ['{'], command: 'timeline.back10m', description: 'ten minutes back (live: rewind)', timeline: EVERY_TIMELINE },
  { keys: ['}'], command: 'timeline.forward10m', description: 'ten minutes forward', timeline: MOVING },
  { keys: ['g'], command: 'timeline.goto', description: 'go to a time: HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM, then Enter', timeline: MOVING, hint: 'go to' },
  { keys: ['+'], command: 'timeline.faster', description: 'play faster (1, 2, 5, 10, 30, 60×)', timeline: MOVING },
  { keys: ['-'], command: 'timeline.slower', description: 'play slower', timeline: MOVING },
  { keys: ['l'], command: 'timeline.live', description: 'back to live (the data polled meanwhile is all there)', timeline: ['rewind'], hint: 'live' },
  { keys: ['?'], command: 'help', description: 'this help', hint: 'help' },
  { keys: ['m'], command: 'messages', description: 'the last messages in full (the footer cuts long ones)' },
  { keys: ['q', 'ctrl-c'], command: 'quit', description: 'quit', hint: 'quit' },
];

/** The bindings that work in a view; off live (a replay, a rewind) nothing that changes a server is offered. */
export function bindingsFor(view: ViewId, readOnly: boolean, timeline: TimelineMode = 'live'): Binding[] {
  return BINDINGS.filter(
    (b) => (!b.views || b.views.includes(view)) && !((readOnly || timeline !== 'live') && b.dangerous) && (!b.timeline || b.timeline.includes(timeline)),
  );
}

export function commandFor(key: string, view: ViewId, readOnly: boolean, timeline: TimelineMode = 'live'): CommandId | undefined {
  return bindingsFor(view, readOnly, timeline).find((b) => b.keys.includes(key))?.command;
}
