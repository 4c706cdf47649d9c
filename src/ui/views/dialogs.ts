import { helpPage } from '../../keymap/help.js';
import type { BouncerAction } from '../../db/admin-commands.js';
import type { AlembicPlan, AppState, Dialog } from '../../store/state.js';
import { VIEW_TITLES } from '../../store/state.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit, truncate, wrap } from '../../text/width.js';
import { dialogStyle, overlayBox } from '../components/overlay.js';
import { onTarget } from '../components/target-lines.js';
import { theme } from '../theme.js';
import { formatTimeout } from '../../migrate/describe.js';
import { DEFAULT_CHILD_TIMEOUTS } from '../../migrate/alembic/child-env.js';
import { dropSlotBox, rollbackPreparedBox } from './horizon-dialogs.js';

const BOUNCER_EXPLAIN: Record<BouncerAction, string> = {
  PAUSE: 'PgBouncer waits for its transactions to finish, then holds new queries until RESUME.',
  RESUME: 'Lets queries flow again (also abandons a PAUSE still waiting).',
  RECONNECT: 'Closes each server connection as soon as it is released; new ones are opened.',
  DISABLE: 'New client connections to this database are refused; connected clients stay.',
  ENABLE: 'New client connections are accepted again.',
  KILL_CLIENT: 'Closes this client connection at once, whatever it is doing.',
};

type DialogOf<K extends Dialog['kind']> = Extract<Dialog, { kind: K }>;
type DrawDialog<K extends Dialog['kind']> = (state: AppState, body: string[], dialog: DialogOf<K>) => string[];

function helpBox(state: AppState, body: string[]): string[] {
  const width = state.terminal.columns;
  const help = helpPage(state);
  const entries = help.entries.map((e) => `${fit(e.keys, 11)} ${e.description}`);
  const lines = help.columns === 1 ? entries : twoColumns(entries, Math.floor((width - 8) / 2));
  const last = help.page + 1 === help.pages;
  lines.push('', help.pages === 1 ? 'any key closes this help' : `page ${help.page + 1}/${help.pages} · ${last ? 'any key closes this help' : 'space: next page · any other key closes'}`);
  return overlayBox(body, width, `Keys — ${VIEW_TITLES[state.view]}${state.timeline ? ` (${state.timeline.mode})` : state.readOnly ? ' (read-only)' : ''}`, lines, theme.heading);
}

/** The line that says where an action runs, when pgtop watches several servers. */
const whereLines = (state: AppState, what: string): string[] =>
  state.targets.current === undefined ? [] : [`target ${sanitizeOneLine(state.targets.current)}: ${sanitizeOneLine(what)}`, ''];

const clock = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);

/** The last messages, newest at the bottom, each wrapped in full: as many as fit, the newest first to stay. */
function messagesBox(state: AppState, body: string[]): string[] {
  const width = state.terminal.columns;
  const room = Math.max(1, body.length - 4);
  const lines: string[] = [];
  for (const message of [...state.messages].reverse()) {
    const mark = message.tone === 'ok' ? '✓' : message.tone === 'error' ? '✗' : ' ';
    const wrapped = wrap(`${clock(message.at)} ${mark} ${sanitizeOneLine(message.text)}`, width - 8);
    if (lines.length + wrapped.length > room && lines.length > 0) break;
    lines.unshift(...wrapped.slice(0, room));
  }
  if (lines.length === 0) lines.push('no messages yet');
  lines.push('', 'any key closes this');
  return overlayBox(body, width, 'Messages', lines, theme.heading);
}

function bouncerBox(state: AppState, body: string[], dialog: DialogOf<'bouncer'>): string[] {
  const { action, label } = dialog.command;
  const lines = [...whereLines(state, state.bouncer.target), BOUNCER_EXPLAIN[action], '', `y ${action}    n / Esc / any other key: do nothing (default)`];
  return overlayBox(body, state.terminal.columns, `${action} ${sanitizeOneLine(label)}${onTarget(state)}?`, lines, dialogStyle);
}

function alembicBox(state: AppState, body: string[], dialog: DialogOf<'migrate'>, plan: AlembicPlan): string[] {
  const room = Math.max(1, body.length - 10);
  const revisions = plan.revisions.slice(0, room).map((r) => `${fit(sanitizeOneLine(r.revision), 14)} ${sanitizeOneLine(r.message)}`);
  if (plan.revisions.length > room) revisions.push(`… and ${plan.revisions.length - room} more`);
  const lines = [
    `target ${sanitizeOneLine(dialog.target)} as ${sanitizeOneLine(dialog.role)}`,
    `alembic upgrade ${sanitizeOneLine(plan.upgradeTo)} in ${sanitizeOneLine(plan.project)}, from ${sanitizeOneLine(plan.from.join(', ') || '<base>')}`,
    `under the maintenance lock, lock_timeout ${formatTimeout(DEFAULT_CHILD_TIMEOUTS.lockTimeoutMs)}, statement_timeout ${formatTimeout(DEFAULT_CHILD_TIMEOUTS.statementTimeoutMs)}; x cancels`,
    '',
    ...revisions,
    '',
    `Type the database name (${sanitizeOneLine(dialog.database)}) and Enter to upgrade; Esc cancels.`,
    `> ${sanitizeOneLine(dialog.typed)}█`,
  ];
  return overlayBox(body, state.terminal.columns, `Run ${plan.revisions.length} Alembic revision${plan.revisions.length === 1 ? '' : 's'}?`, lines, dialogStyle);
}

function migrateBox(state: AppState, body: string[], dialog: DialogOf<'migrate'>): string[] {
  if (dialog.alembic) return alembicBox(state, body, dialog, dialog.alembic);
  const room = Math.max(1, body.length - 8);
  const steps = dialog.steps.slice(0, room).map(
    (step) =>
      `${fit(step.fileName, 36)} ${step.transactional ? 'in a transaction' : 'no transaction  '}  lock_timeout ${formatTimeout(step.lockTimeoutMs)}  statement_timeout ${formatTimeout(step.statementTimeoutMs)}`,
  );
  if (dialog.steps.length > room) steps.push(`… and ${dialog.steps.length - room} more`);
  const lines = [
    `target ${sanitizeOneLine(dialog.target)} as ${sanitizeOneLine(dialog.role)}`,
    '',
    ...steps,
    '',
    `Type the database name (${sanitizeOneLine(dialog.database)}) and Enter to apply; Esc cancels.`,
    `> ${sanitizeOneLine(dialog.typed)}█`,
  ];
  return overlayBox(body, state.terminal.columns, `Apply ${dialog.steps.length} migration${dialog.steps.length === 1 ? '' : 's'}${onTarget(state)}?`, lines, dialogStyle);
}

function backupBox(state: AppState, body: string[], dialog: DialogOf<'backup'>): string[] {
  const what = `A logical pg_dump of database ${sanitizeOneLine(dialog.database)} (${sanitizeOneLine(dialog.target)}), verified, then written to ${sanitizeOneLine(dialog.dir)}. Not point-in-time recovery; no roles.`;
  const lines = [
    ...wrap(what, Math.min(76, state.terminal.columns - 8)),
    '',
    'y start    n / Esc / any other key: do nothing (default)',
  ];
  return overlayBox(body, state.terminal.columns, `Back up ${sanitizeOneLine(dialog.database)}${onTarget(state)}?`, lines, dialogStyle);
}

function signalBox(state: AppState, body: string[], dialog: DialogOf<'signal'>): string[] {
  const width = state.terminal.columns;
  const verb = dialog.signal === 'cancel' ? 'Cancel the query of' : 'Terminate';
  const count = dialog.targets.length;
  const title = `${verb} ${count === 1 ? `session ${dialog.targets[0]?.pid}` : `${count} sessions`}${onTarget(state)}?`;
  const where = whereLines(state, state.pg.target);
  const room = Math.max(1, body.length - 6 - where.length);
  const lines = where;
  lines.push(...dialog.targets.slice(0, room).map((t) =>
    truncate(`pid ${t.pid}  user ${sanitizeOneLine(t.user ?? '?')}  db ${sanitizeOneLine(t.database ?? '?')}  ${t.queryExcerpt}`, width - 8),
  ));
  if (dialog.targets.length > room) lines.push(`… and ${dialog.targets.length - room} more`);
  const pooled = dialog.targets.filter((t) => t.pool !== null);
  if (dialog.signal === 'terminate' && pooled.length > 0) {
    lines.push(
      truncate(
        `⚠ ${pooled.map((t) => `${t.pid} is a PgBouncer server connection (pool ${sanitizeOneLine(t.pool ?? '')})`).join(', ')}: terminating it hits whichever client is on it now`,
        width - 8,
      ),
    );
  }
  lines.push('', `y ${dialog.signal}    n / Esc / any other key: do nothing (default)`);
  return overlayBox(body, width, title, lines, dialogStyle);
}

function quitBox(state: AppState, body: string[], dialog: DialogOf<'quit'>): string[] {
  const lines = [`${dialog.running} is running: quitting cancels it.`, '', 'y quit    n / Esc / any other key: stay (default)'];
  return overlayBox(body, state.terminal.columns, `Quit and cancel ${dialog.running}?`, lines, dialogStyle);
}

function statementsResetBox(state: AppState, body: string[], dialog: DialogOf<'statements-reset'>): string[] {
  const lines = [
    `pg_stat_statements_reset() on ${sanitizeOneLine(dialog.target)}: the statistics of every statement`,
    'of every database and role are emptied, for every tool that reads them.',
    '',
    'y reset    n / Esc / any other key: do nothing (default)',
  ];
  return overlayBox(body, state.terminal.columns, `Reset pg_stat_statements${onTarget(state)}?`, lines, dialogStyle);
}

/** How each dialog is drawn: a dialog kind without a drawing does not compile. */
const DIALOG_BOXES: { [K in Dialog['kind']]: DrawDialog<K> } = {
  help: helpBox,
  messages: messagesBox,
  bouncer: bouncerBox,
  migrate: migrateBox,
  backup: backupBox,
  signal: signalBox,
  quit: quitBox,
  'statements-reset': statementsResetBox,
  'drop-slot': dropSlotBox,
  'rollback-prepared': rollbackPreparedBox,
};

/** The body with the open dialog drawn over it. */
export function withDialog(state: AppState, body: string[], dialog: Dialog | undefined): string[] {
  if (!dialog) return body;
  return (DIALOG_BOXES[dialog.kind] as DrawDialog<Dialog['kind']>)(state, body, dialog);
}

function twoColumns(entries: string[], columnWidth: number): string[] {
  const half = Math.ceil(entries.length / 2);
  const lines: string[] = [];
  for (let i = 0; i < half; i++) lines.push(`${fit(entries[i] ?? '', columnWidth)}  ${truncate(entries[i + half] ?? '', columnWidth)}`);
  return lines;
}
