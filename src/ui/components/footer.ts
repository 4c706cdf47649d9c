import { footerHints } from '../../keymap/help.js';
import type { AppState } from '../../store/state.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { theme } from '../theme.js';
import { joinSegments, leftRight, seg, type Segment } from './segments.js';
import { displayWidth, truncate } from '../../text/width.js';
import { timelineMode } from '../../store/timeline.js';

const MESSAGE_SHOWN_MS = 30_000;
/** Ends a message cut to its room on the line: the whole text is in the messages overlay. */
const CUT_MARK = 'm shows all';
const GAP = 2;

/** The message cut to `room` columns, marked when cut. */
function fitted(text: string, room: number): string {
  return displayWidth(text) <= room ? text : `${truncate(text, Math.max(1, room - displayWidth(CUT_MARK) - 1))} ${CUT_MARK}`;
}

/** Columns the segments take after the leading space, each after its gap. */
const widthOf = (segments: readonly Segment[]): number => segments.reduce((n, s) => n + GAP + displayWidth(s.text), 0);

/** The message of the last action (or the one under way), if it is still fresh. */
function messageText(state: AppState): { text: string; tone: (s: string) => string } | undefined {
  if (state.busy) return { text: sanitizeOneLine(state.busy), tone: theme.warn };
  const message = state.message;
  if (!message || state.now - message.at >= MESSAGE_SHOWN_MS) return undefined;
  const tone = message.tone === 'ok' ? theme.ok : message.tone === 'error' ? theme.error : theme.dim;
  const mark = message.tone === 'ok' ? '✓ ' : message.tone === 'error' ? '✗ ' : '';
  return { text: `${mark}${sanitizeOneLine(message.text)}`, tone };
}

/**
 * The keys that work here, and the result of the last action. By priority when the line is short: the
 * essential hints (help, quit, read-only) always, then the message (cut, the rest under m), then the view's
 * actions, then the other hints, each where it still fits; all drawn in the keymap's order.
 */
export function footerLine(state: AppState): string {
  const width = state.terminal.columns;
  const draft = state.timeline?.gotoDraft;
  if (draft !== undefined) return joinSegments([seg(' '), seg(`go to (HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM): ${sanitizeOneLine(draft)}█`, theme.warn), seg('Enter goes, Esc cancels', theme.dim)], width, ' ');
  const all = footerHints(state.view, state.readOnly, timelineMode(state)).map((h) => ({ segment: seg(`${h.keys} ${h.label}`), essential: h.essential, acts: h.acts }));
  // A replay has no server to be read-only towards: its header says REPLAY.
  if (state.readOnly && timelineMode(state) !== 'replay') all.push({ segment: seg('read-only', theme.dim), essential: true, acts: false });
  const essentials = all.filter((h) => h.essential).map((h) => h.segment);
  const message = messageText(state);
  // The leading space, the right margin, and the gap before a message.
  let room = width - 1 - GAP - (message ? GAP : 0) - widthOf(essentials);
  const right: Segment[] = [];
  if (message) {
    const text = fitted(message.text, room);
    right.push(seg(text, message.tone));
    room -= displayWidth(text);
  }
  const kept = new Set(essentials);
  const optional = [...all.filter((h) => !h.essential && h.acts), ...all.filter((h) => !h.essential && !h.acts)];
  for (const hint of optional) {
    const cost = displayWidth(hint.segment.text) + GAP;
    if (cost > room) continue;
    kept.add(hint.segment);
    room -= cost;
  }
  const hints = all.map((h) => h.segment).filter((s) => kept.has(s));
  return leftRight([seg(' '), ...hints], [...right, seg('')], width);
}
