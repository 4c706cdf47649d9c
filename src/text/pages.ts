import { sanitize } from './sanitize.js';
import { graphemes, graphemeWidth } from './width.js';

const TAB_STOP = 4;

/** One screenful of a long text, wrapped to a width, read from an offset in the text. */
export interface TextPage {
  /** The rows shown: sanitised, at most `width` columns each. */
  lines: string[];
  /** Where in the text each row starts (UTF-16 offsets): `rowStarts[1]` is one row further down. */
  rowStarts: number[];
  /** Where the next page starts, or null when this page reaches the end of the text. */
  next: number | null;
}

interface Piece {
  text: string;
  width: number;
  /** Offset in the text of the grapheme it shows. */
  at: number;
  space: boolean;
}

/**
 * Wraps `text` from offset `start` into at most `rows` rows of `width` columns, breaking after the last
 * space that fits (mid-word when there is none) and at line breaks. Control and invisible characters are
 * shown as escapes, tabs as spaces. It reads only what the page shows, so a page of a 1 MB query costs
 * what a page of a short one costs.
 */
export function textPage(text: string, start: number, width: number, rows: number): TextPage {
  const limit = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  const rowStarts: number[] = [start];
  let row: Piece[] = [];
  let rowWidth = 0;
  let at = start;
  let budget = Math.max(1, rows) * (limit + 1) * 4;

  /** Ends the current row with `pieces`; the next row starts at `nextAt` with `carry`. True when the page is full. */
  const endRow = (pieces: Piece[], carry: Piece[], nextAt: number): boolean => {
    lines.push(pieces.map((p) => p.text).join(''));
    row = carry;
    rowWidth = carry.reduce((sum, p) => sum + p.width, 0);
    if (lines.length >= rows) return true;
    rowStarts.push(carry[0]?.at ?? nextAt);
    return false;
  };

  for (const grapheme of graphemes(text, start)) {
    const here = at;
    at += grapheme.length;
    if (--budget < 0) return { lines: [...lines, joined(row)], rowStarts, next: here };
    if (grapheme === '\n' || grapheme === '\r' || grapheme === '\r\n') {
      if (endRow(row, [], at)) return { lines, rowStarts, next: at < text.length ? at : null };
      continue;
    }
    const piece = toPiece(grapheme, here, rowWidth);
    if (rowWidth + piece.width > limit && row.length > 0) {
      const full = piece.space ? endRow(row, [], at) : breakRow(row, piece, endRow);
      if (full) return { lines, rowStarts, next: nextStart(row, piece, at, text) };
      if (piece.space) continue;
    }
    row.push(piece);
    rowWidth += piece.width;
  }
  lines.push(joined(row));
  return { lines, rowStarts, next: null };
}

/** Breaks a full row before `piece`: after its last space when there is one, else right there. */
function breakRow(row: Piece[], piece: Piece, endRow: (pieces: Piece[], carry: Piece[], nextAt: number) => boolean): boolean {
  let lastSpace = -1;
  for (let i = row.length - 1; i > 0; i--) {
    if (row[i]?.space) {
      lastSpace = i;
      break;
    }
  }
  if (lastSpace > 0) return endRow(row.slice(0, lastSpace), row.slice(lastSpace + 1), piece.at);
  return endRow(row, [], piece.at);
}

/** Where the page after a full one starts: the carried pieces, else the grapheme that did not fit. */
function nextStart(carry: Piece[], piece: Piece, after: number, text: string): number | null {
  const next = carry[0]?.at ?? (piece.space ? after : piece.at);
  return next < text.length ? next : null;
}

function toPiece(grapheme: string, at: number, column: number): Piece {
  if (grapheme === '\t') {
    const spaces = TAB_STOP - (column % TAB_STOP);
    return { text: ' '.repeat(spaces), width: spaces, at, space: true };
  }
  const shown = sanitize(grapheme);
  return { text: shown, width: shown === grapheme ? graphemeWidth(grapheme) : shown.length, at, space: grapheme === ' ' };
}

function joined(row: Piece[]): string {
  return row.map((p) => p.text).join('');
}

/** Row starts found so far for the last text wrapped by `textRows`, so scrolling on costs one page. */
let known: { text: string; width: number; starts: number[]; end: number | null } | undefined;

/**
 * Rows `first` to `first + count` of `text` wrapped to `width`, with how many rows exist when the end was
 * reached (null while it was not). Row starts met on the way are kept for the same text and width, so a
 * frame costs the rows shown plus the rows scrolled since the last frame, never the whole text.
 */
export function textRows(text: string, width: number, first: number, count: number): { lines: string[]; first: number; total: number | null } {
  if (!known || known.width !== width || known.text !== text) known = { text, width, starts: [0], end: null };
  const index = known;
  while (index.starts.length <= first && index.end === null) {
    const from = index.starts.length - 1;
    const page = textPage(text, index.starts[from] ?? 0, width, Math.max(64, first - from + 1));
    index.starts.push(...page.rowStarts.slice(1));
    if (page.next === null) index.end = from + page.lines.length;
    else index.starts.push(page.next);
  }
  const last = index.end === null ? first : Math.min(first, Math.max(0, index.end - count));
  const page = textPage(text, index.starts[last] ?? 0, width, count);
  if (page.next === null && index.end === null) index.end = last + page.lines.length;
  return { lines: page.lines, first: last, total: index.end };
}
