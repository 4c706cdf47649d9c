import { footerHints } from '../../keymap/help.js';
import type { AppState } from '../../store/state.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { theme } from '../theme.js';
import { joinSegments, leftRight, seg, type Segment } from './segments.js';
import { displayWidth, truncate } from '../../text/width.js';
import { timelineMode } from '../../store/timeline.js';

const MESSAGE_SHOWN_MS = 30_000;
/** Ends a message cut at the terminal's width: the whole text is in the messages overlay. */
const CUT_MARK = 'm shows all';

/** The message as it fits on the footer line (after a leading space), marked when cut. */
function fitted(text: string, width: number): string {
  const room = width - 2;
  return displayWidth(text) <= room ? text : `${truncate(text, room - displayWidth(CUT_MARK) - 1)} ${CUT_MARK}`;
}

/** The keys that work here, and the result of the last action (or the one under way). */
export function footerLine(state: AppState): string {
  const hints: Segment[] = [seg(' ')];
  const draft = state.timeline?.gotoDraft;
  if (draft !== undefined) return joinSegments([seg(' '), seg(`go to (HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM): ${sanitizeOneLine(draft)}█`, theme.warn), seg('Enter goes, Esc cancels', theme.dim)], state.terminal.columns, ' ');
  for (const hint of footerHints(state.view, state.readOnly, timelineMode(state))) {
    hints.push(seg(`${hint.keys} ${hint.label}`));
  }
  if (state.readOnly) hints.push(seg('read-only', theme.dim));
  const right: Segment[] = [];
  if (state.busy) right.push(seg(sanitizeOneLine(state.busy), theme.warn));
  else if (state.message && state.now - state.message.at < MESSAGE_SHOWN_MS) {
    const tone = state.message.tone === 'ok' ? theme.ok : state.message.tone === 'error' ? theme.error : theme.dim;
    const mark = state.message.tone === 'ok' ? '✓ ' : state.message.tone === 'error' ? '✗ ' : '';
    right.push(seg(fitted(`${mark}${sanitizeOneLine(state.message.text)}`, state.terminal.columns), tone));
  }
  const width = state.terminal.columns;
  const needed = [...hints, ...right].reduce((n, s) => n + displayWidth(s.text) + 2, 0);
  // When both do not fit, the message comes first: it answers what the user just did.
  if (right.length > 0 && needed > width) return joinSegments([seg(' '), ...right, ...hints.slice(1)], width, ' ');
  return leftRight(hints, [...right, seg('')], width);
}
