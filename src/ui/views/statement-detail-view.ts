import type { CounterName } from '../../sources/statements/types.js';
import type { StatementRate } from '../../store/statement-rates.js';
import { sessionsRunning } from '../../store/statements-selectors.js';
import type { AppState } from '../../store/state.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit, wrap } from '../../text/width.js';
import { figure, formatMs } from '../columns/statement-columns.js';
import { formatBytes, formatCount } from '../../text/bytes.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

const COUNTERS: { name: CounterName; label: string; format: (n: number) => string }[] = [
  { name: 'calls', label: 'calls', format: formatCount },
  { name: 'totalExecMs', label: 'execution time', format: formatMs },
  { name: 'rows', label: 'rows', format: formatCount },
  { name: 'plans', label: 'plans', format: formatCount },
  { name: 'totalPlanMs', label: 'planning time', format: formatMs },
  { name: 'sharedBlksHit', label: 'shared blocks hit', format: formatCount },
  { name: 'sharedBlksRead', label: 'shared blocks read', format: formatCount },
  { name: 'sharedBlksDirtied', label: 'shared blocks dirtied', format: formatCount },
  { name: 'sharedBlksWritten', label: 'shared blocks written', format: formatCount },
  { name: 'localBlksHit', label: 'local blocks hit', format: formatCount },
  { name: 'localBlksRead', label: 'local blocks read', format: formatCount },
  { name: 'tempBlksRead', label: 'temp blocks read', format: formatCount },
  { name: 'tempBlksWritten', label: 'temp blocks written', format: formatCount },
  { name: 'sharedBlkReadMs', label: 'shared read time', format: formatMs },
  { name: 'sharedBlkWriteMs', label: 'shared write time', format: formatMs },
  { name: 'localBlkReadMs', label: 'local read time', format: formatMs },
  { name: 'tempBlkReadMs', label: 'temp read time', format: formatMs },
  { name: 'walRecords', label: 'WAL records', format: formatCount },
  { name: 'walFpi', label: 'WAL full-page images', format: formatCount },
  { name: 'walBytes', label: 'WAL bytes', format: (n) => formatBytes(n) },
  { name: 'walBuffersFull', label: 'WAL buffers full', format: formatCount },
  { name: 'jitFunctions', label: 'JIT functions', format: formatCount },
  { name: 'parallelWorkersLaunched', label: 'parallel workers launched', format: formatCount },
];

/** Every counter with its rate over the interval and its total, two to a line. */
function counterLines(rate: StatementRate, seconds: number | null, width: number): string[] {
  const cells = COUNTERS.map(({ name, label, format }) => {
    const delta = rate.delta?.[name] ?? null;
    const perSecond = delta === null || !seconds ? null : delta / seconds;
    return `${fit(label, 25)} ${fit(figure(perSecond, format), 9, 'right')}/s ${fit(figure(rate.entry.counters[name], format), 9, 'right')}`;
  });
  const half = Math.floor((width - 4) / 2);
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 2) lines.push(`   ${fit(cells[i] ?? '', half)} ${cells[i + 1] ?? ''}`);
  return lines;
}

/** Sessions running the statement now, or why they cannot be told. */
function runningLines(state: AppState, queryId: string): string[] {
  if (state.statements.snapshot?.settings.computeQueryId === 'off') {
    return ['   compute_query_id is off: sessions carry no query id, so pgtop cannot list the sessions running it'];
  }
  const running = sessionsRunning(state.pg.snapshot?.sessions ?? [], queryId);
  if (running.length === 0) return ['   none right now'];
  return running.map((s) => `   ${s.pid} ${sanitizeOneLine(s.user ?? '')}@${sanitizeOneLine(s.database ?? '')} ${sanitizeOneLine(s.state ?? '')} for ${formatDuration(s.queryAgeSeconds)}`);
}

/** The detail of one statement: its counters (rate and total), who runs it now, the whole text scrollable. */
export function statementDetailBody(state: AppState, height: number): string[] {
  const width = state.terminal.columns;
  const ui = state.statements;
  const rate = ui.rates?.rows.find((r) => r.entry.key === ui.detailKey);
  const lines: string[] = [];
  const line = (text: string, style?: (t: string) => string): void => {
    const fitted = fit(text, width);
    lines.push(style ? style(fitted) : fitted);
  };
  if (!rate) {
    line(' This statement is no longer in pg_stat_statements (evicted or reset).  Esc goes back.', theme.warn);
    return padLines(lines, height, width);
  }
  const entry = rate.entry;
  line(` Statement ${entry.queryId}   database ${sanitizeOneLine(entry.database ?? '?')}   role ${sanitizeOneLine(entry.user ?? '?')}   Esc back  e plan  ↑↓ scroll`, theme.heading);
  line(`   ${rate.basis === 'restarted' ? 'counting again since the last fetch (new, evicted and back, or reset)' : rate.basis === 'first' ? 'rates after the next fetch' : `rates over ${formatDuration(ui.rates?.intervalSeconds ?? null)}`}`, theme.dim);
  for (const text of counterLines(rate, ui.rates?.intervalSeconds ?? null, width)) line(text);
  line(' running now:', theme.heading);
  for (const text of runningLines(state, entry.queryId).slice(0, 5)) line(text);
  const text = ui.texts[entry.key];
  const textLines = text === undefined ? ['(loading…)'] : text.split('\n').flatMap((l) => wrap(sanitizeOneLine(l.replace(/\t/g, '  ')), width - 3));
  const room = Math.max(1, height - lines.length - 1);
  const top = Math.min(ui.detailScroll, Math.max(0, textLines.length - room));
  line(` text${textLines.length > room ? ` (lines ${top + 1}–${Math.min(textLines.length, top + room)} of ${textLines.length})` : ''}:`, theme.heading);
  for (const t of textLines.slice(top, top + room)) line(`   ${t}`);
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
