import type { CounterName } from '../../sources/statements/types.js';
import type { StatementRate } from '../../store/statement-rates.js';
import { sessionsRunning } from '../../store/statements-selectors.js';
import type { AppState } from '../../store/state.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit, wrap } from '../../text/width.js';
import { ABSENT, figure, formatMs } from '../columns/statement-columns.js';
import { formatBytes, formatCount } from '../../text/bytes.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

const bytes = (n: number): string => formatBytes(n).replace(' ', '');

/** Every counter of pg_stat_statements, in the order a DBA reads them; labels fit LABEL_WIDTH. */
const COUNTERS: { name: CounterName; label: string; format: (n: number) => string }[] = [
  { name: 'calls', label: 'calls', format: formatCount },
  { name: 'totalExecMs', label: 'execution time', format: formatMs },
  { name: 'rows', label: 'rows', format: formatCount },
  { name: 'plans', label: 'plans', format: formatCount },
  { name: 'totalPlanMs', label: 'planning time', format: formatMs },
  { name: 'sharedBlksHit', label: 'shared blks hit', format: formatCount },
  { name: 'sharedBlksRead', label: 'shared blks read', format: formatCount },
  { name: 'sharedBlksDirtied', label: 'shared dirtied', format: formatCount },
  { name: 'sharedBlksWritten', label: 'shared written', format: formatCount },
  { name: 'localBlksHit', label: 'local blks hit', format: formatCount },
  { name: 'localBlksRead', label: 'local blks read', format: formatCount },
  { name: 'localBlksDirtied', label: 'local dirtied', format: formatCount },
  { name: 'localBlksWritten', label: 'local written', format: formatCount },
  { name: 'tempBlksRead', label: 'temp blks read', format: formatCount },
  { name: 'tempBlksWritten', label: 'temp written', format: formatCount },
  { name: 'sharedBlkReadMs', label: 'shared read time', format: formatMs },
  { name: 'sharedBlkWriteMs', label: 'shared write time', format: formatMs },
  { name: 'localBlkReadMs', label: 'local read time', format: formatMs },
  { name: 'localBlkWriteMs', label: 'local write time', format: formatMs },
  { name: 'tempBlkReadMs', label: 'temp read time', format: formatMs },
  { name: 'tempBlkWriteMs', label: 'temp write time', format: formatMs },
  { name: 'walRecords', label: 'WAL records', format: formatCount },
  { name: 'walFpi', label: 'WAL full pages', format: formatCount },
  { name: 'walBytes', label: 'WAL bytes', format: bytes },
  { name: 'walBuffersFull', label: 'WAL buffers full', format: formatCount },
  { name: 'jitFunctions', label: 'JIT functions', format: formatCount },
  { name: 'parallelWorkersToLaunch', label: 'parallel planned', format: formatCount },
  { name: 'parallelWorkersLaunched', label: 'parallel launched', format: formatCount },
];

const LABEL_WIDTH = 17;
const RATE_WIDTH = 10;
const TOTAL_WIDTH = 8;
const CELL_WIDTH = LABEL_WIDTH + 1 + RATE_WIDTH + 1 + TOTAL_WIDTH;
const INDENT = '   ';

const cell = (label: string, rate: string, total: string): string =>
  `${fit(label, LABEL_WIDTH)} ${fit(rate, RATE_WIDTH, 'right')} ${fit(total, TOTAL_WIDTH, 'right')}`;

/** Every counter with its rate over the interval and its total, as many to a line as the width holds. */
function counterLines(rate: StatementRate, seconds: number | null, width: number): string[] {
  const perLine = Math.max(1, Math.min(4, Math.floor((width - INDENT.length + 2) / (CELL_WIDTH + 2))));
  const cells = COUNTERS.map(({ name, label, format }) => {
    const total = rate.entry.counters[name];
    const delta = rate.delta?.[name] ?? null;
    const perSecond = total === null || delta === null || !seconds ? null : delta / seconds;
    return cell(label, perSecond === null ? ABSENT : `${format(perSecond)}/s`, figure(total, format));
  });
  const heading = Array.from({ length: Math.min(perLine, cells.length) }, () => cell('', 'per second', 'total'));
  const lines = [`${INDENT}${heading.join('  ')}`];
  for (let i = 0; i < cells.length; i += perLine) lines.push(`${INDENT}${cells.slice(i, i + perLine).join('  ')}`);
  return lines;
}

const MAX_RUNNING = 10;

/** Sessions running the statement now, or why they cannot be told. */
function runningLines(state: AppState, queryId: string): string[] {
  if (state.statements.snapshot?.settings.computeQueryId === 'off') {
    return [' running now: unknown — compute_query_id is off, so sessions carry no query id (set it to on, or auto with pg_stat_statements loaded)'];
  }
  const running = sessionsRunning(state.pg.snapshot?.sessions ?? [], queryId);
  if (running.length === 0) return [' running now: none'];
  const shown = running
    .slice(0, MAX_RUNNING)
    .map((s) => `${INDENT}${s.pid} ${sanitizeOneLine(s.user ?? '')}@${sanitizeOneLine(s.database ?? '')} ${sanitizeOneLine(s.state ?? '')} for ${formatDuration(s.queryAgeSeconds)}`);
  const more = running.length > MAX_RUNNING ? [`${INDENT}… and ${running.length - MAX_RUNNING} more`] : [];
  return [` running now: ${running.length} session${running.length === 1 ? '' : 's'}`, ...shown, ...more];
}

function basisLine(rate: StatementRate, seconds: number | null): string {
  if (rate.basis === 'restarted') return `${INDENT}counting again since the last fetch (new, evicted and back, or reset): the rates cover what it holds`;
  if (rate.basis === 'first') return `${INDENT}rates after the next fetch`;
  return `${INDENT}rates over the last ${formatDuration(seconds)}`;
}

/**
 * The detail of one statement: its counters (rate and total), who runs it now, and the whole text. Below
 * the title, the detail scrolls as one (arrows, PgUp/PgDn, Home/End), so a small terminal shows all of it.
 */
export function statementDetailBody(state: AppState, height: number): string[] {
  const width = state.terminal.columns;
  const ui = state.statements;
  const rate = ui.rates?.rows.find((r) => r.entry.key === ui.detailKey);
  const title = (text: string, style: (t: string) => string): string => style(fit(text, width));
  if (!rate) {
    return padLines([title(' This statement is no longer in pg_stat_statements (evicted or reset).  Esc goes back.', theme.warn)], height, width);
  }
  const entry = rate.entry;
  const seconds = ui.rates?.intervalSeconds ?? null;
  const text = ui.texts[entry.key];
  const textLines = text === undefined ? ['(loading…)'] : text === '' ? ['(no text: the entry was evicted)'] : text.split('\n').flatMap((l) => wrap(sanitizeOneLine(l.replace(/\t/g, '  ')), width - INDENT.length));
  const body: { text: string; style?: (t: string) => string }[] = [
    { text: basisLine(rate, seconds), style: theme.dim },
    ...counterLines(rate, seconds, width).map((t, i) => ({ text: t, style: i === 0 ? theme.dim : undefined })),
    ...runningLines(state, entry.queryId).map((t, i) => ({ text: t, style: i === 0 ? theme.heading : undefined })),
    { text: ' text:', style: theme.heading },
    ...textLines.map((t) => ({ text: `${INDENT}${t}` })),
  ];
  const room = Math.max(1, height - 1);
  const top = Math.min(ui.detailScroll, Math.max(0, body.length - room));
  const shown = body.slice(top, top + room);
  const below = body.length - top - shown.length;
  const where = body.length > room ? ` lines ${top + 1}–${top + shown.length} of ${body.length}` : ' scroll';
  const owner = `${sanitizeOneLine(entry.database ?? '?')}/${sanitizeOneLine(entry.user ?? '?')}`;
  const lines = [title(` Statement ${entry.queryId}  ${owner}  Esc back  e plan  ↑↓${where}`, theme.heading)];
  for (const [i, line] of shown.entries()) {
    if (below > 0 && i === shown.length - 1) lines.push(theme.dim(fit(`${INDENT}↓ ${below + 1} more lines`, width)));
    else lines.push(line.style ? line.style(fit(line.text, width)) : fit(line.text, width));
  }
  return padLines(lines, height, width);
}

/** The plan over a detail: what it is of, whose role and search_path made it, and its lines. */
export function planBody(state: AppState, height: number): string[] {
  const width = state.terminal.columns;
  const plan = state.plan;
  const lines: string[] = [];
  const line = (text: string, style?: (t: string) => string): void => {
    const fitted = fit(text, width);
    lines.push(style ? style(fitted) : fitted);
  };
  if (!plan) return padLines(lines, height, width);
  line(` Plan of ${sanitizeOneLine(plan.of)}   Esc back`, theme.heading);
  const result = plan.result;
  if (!result) line('   asking the server for the plan (EXPLAIN, not run)…', theme.dim);
  else if (result.kind === 'refused') for (const t of wrap(`refused: ${sanitizeOneLine(result.reason)}`, width - 3)) line(`   ${t}`, theme.warn);
  else if (result.kind === 'failed') for (const t of wrap(sanitizeOneLine(result.message), width - 3)) line(`   ${t}`, theme.error);
  else {
    for (const t of wrap(sanitizeOneLine(result.note), width - 3)) line(`   ${t}`, theme.dim);
    const room = height - lines.length;
    const shown = result.lines.length > room ? [...result.lines.slice(0, Math.max(0, room - 1)), `… ${result.lines.length - room + 1} more lines`] : result.lines;
    for (const t of shown) line(`   ${sanitizeOneLine(t)}`);
  }
  return padLines(lines, height, width);
}
