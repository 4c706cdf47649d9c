import { displayWidth, truncate } from '../../text/width.js';

/** A piece of a line: plain (already sanitised) text and how to colour it. */
export interface Segment {
  text: string;
  style?: (s: string) => string;
}

export const seg = (text: string, style?: (s: string) => string): Segment => ({ text, style });

/**
 * Joins segments into one line of exactly `width` columns: measured and cut as plain text, coloured
 * afterwards, so escape codes never count towards the width and are never cut in half.
 */
export function joinSegments(segments: readonly Segment[], width: number, separator = '  '): string {
  let out = '';
  let used = 0;
  const pieces = segments.filter((s) => s.text.length > 0);
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i] as Segment;
    const sep = i === 0 ? '' : separator;
    const room = width - used - displayWidth(sep);
    if (room <= 0) break;
    const text = truncate(piece.text, room);
    out += sep + (piece.style ? piece.style(text) : text);
    used += displayWidth(sep) + displayWidth(text);
    if (text !== piece.text) break;
  }
  return out + ' '.repeat(Math.max(0, width - used));
}

/** Left part and right part on one line, the right one flush to the edge when there is room. */
export function leftRight(left: readonly Segment[], right: readonly Segment[], width: number): string {
  const rightWidth = right.reduce((n, s, i) => n + displayWidth(s.text) + (i ? 2 : 0), 0);
  const leftWidth = left.reduce((n, s, i) => n + displayWidth(s.text) + (i ? 2 : 0), 0);
  if (leftWidth + rightWidth + 2 > width) return joinSegments([...left, ...right], width);
  return joinSegments(left, width - rightWidth) + joinSegments(right, rightWidth);
}

/** A segment and how much it matters: lower stays longer when the line is short. */
export interface RankedSegment extends Segment {
  priority: number;
}

export const ranked = (priority: number, text: string, style?: (s: string) => string): RankedSegment => ({ priority, text, style });

/** A long last segment is cut rather than dropped when at least this much of it shows. */
const CUT_LAST_FROM = 16;

/**
 * The segments that fit in `width` with their separators, in their order: the least important ones
 * (highest priority number, the later one first among equals) give way until the rest fit. A long last
 * segment that would give way is kept to be cut at the edge when a fair part of it fits.
 */
export function byPriority<S extends RankedSegment>(segments: readonly S[], width: number, separator = '  '): S[] {
  const kept = segments.filter((s) => s.text.length > 0);
  const widthOf = (list: readonly S[]): number => list.reduce((n, s, i) => n + displayWidth(s.text) + (i > 0 ? displayWidth(separator) : 0), 0);
  while (kept.length > 1 && widthOf(kept) > width) {
    let drop = kept.length - 1;
    for (let i = kept.length - 1; i >= 0; i--) if ((kept[i] as S).priority > (kept[drop] as S).priority) drop = i;
    if (drop === kept.length - 1 && widthOf(kept.slice(0, -1)) + displayWidth(separator) + CUT_LAST_FROM <= width) break;
    kept.splice(drop, 1);
  }
  return kept;
}
