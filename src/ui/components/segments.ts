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
