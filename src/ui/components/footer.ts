import { footerHints } from '../../keymap/help.js';
import type { AppState } from '../../store/state.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { theme } from '../theme.js';
import { joinSegments, leftRight, seg, type Segment } from './segments.js';
import { displayWidth } from '../../text/width.js';
import type { Binding } from '../../keymap/bindings.js';

const MESSAGE_SHOWN_MS = 30_000;

/** The keys that work here, and the result of the last action (or the one under way). */
export function footerLine(state: AppState, bindings?: readonly Binding[]): string {
  const hints: Segment[] = [seg(' ')];
  for (const hint of footerHints(state.view, state.readOnly, bindings)) {
    hints.push(seg(`${hint.keys} ${hint.label}`));
  }
  if (state.readOnly) hints.push(seg('read-only', theme.dim));
  const right: Segment[] = [];
  if (state.busy) right.push(seg(sanitizeOneLine(state.busy), theme.warn));
  else if (state.message && state.now - state.message.at < MESSAGE_SHOWN_MS) {
    const tone = state.message.tone === 'ok' ? theme.ok : state.message.tone === 'error' ? theme.error : theme.dim;
    const mark = state.message.tone === 'ok' ? '✓ ' : state.message.tone === 'error' ? '✗ ' : '';
    right.push(seg(`${mark}${sanitizeOneLine(state.message.text)}`, tone));
  }
  const width = state.terminal.columns;
  const needed = [...hints, ...right].reduce((n, s) => n + displayWidth(s.text) + 2, 0);
  // When both do not fit, the message comes first: it answers what the user just did.
  if (right.length > 0 && needed > width) return joinSegments([seg(' '), ...right, ...hints.slice(1)], width, ' ');
  return leftRight(hints, [...right, seg('')], width);
}
