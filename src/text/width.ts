import stringWidth from 'string-width';

const ELLIPSIS = '…';
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;
const ESCAPES = /[\u001b\u009b]/;
const segmenter = new Intl.Segmenter();
/** Graphemes are found in slices of this many code units: segmenting a whole long text costs more than linear time. */
const SEGMENT_CHUNK = 256;

/** Widths of the graphemes met so far: the same few hundred come back frame after frame. */
const graphemeWidths = new Map<string, number>();
const GRAPHEME_CACHE_LIMIT = 10_000;

/** Terminal columns the text occupies (wide CJK and emoji count 2, combining marks 0). */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  // string-width leaves escape sequences out; a sum over graphemes would count them.
  if (ESCAPES.test(text)) return stringWidth(text);
  let width = 0;
  for (const segment of graphemes(text)) width += graphemeWidth(segment);
  return width;
}

/** Between two printable ASCII characters a grapheme always ends: no rule of UAX #29 joins them. */
const isPrintableAscii = (code: number): boolean => code >= 0x20 && code <= 0x7e;

/**
 * The graphemes of `text` from `start`, read run by run: stopping after n graphemes costs about n,
 * whatever the length of the text. A printable ASCII character followed by another (or by the end) is a
 * grapheme of its own; the rest goes to Intl.Segmenter up to where a grapheme surely ends, at most a slice
 * at a time. A grapheme longer than a slice (thousands of combining marks) comes out in pieces.
 */
export function* graphemes(text: string, start = 0): Generator<string> {
  const length = text.length;
  let at = start;
  while (at < length) {
    if (isPrintableAscii(text.charCodeAt(at)) && (at + 1 === length || isPrintableAscii(text.charCodeAt(at + 1)))) {
      yield text.charAt(at);
      at += 1;
      continue;
    }
    let end = at + 1;
    while (end < length && end - at < SEGMENT_CHUNK && !(isPrintableAscii(text.charCodeAt(end - 1)) && isPrintableAscii(text.charCodeAt(end)))) end += 1;
    const parts = Array.from(segmenter.segment(text.slice(at, end)), (part) => part.segment);
    // Cut at a slice's length, the last grapheme may go on past it: read it again from there.
    const cutShort = end < length && end - at >= SEGMENT_CHUNK && parts.length > 1;
    const complete = cutShort ? parts.slice(0, -1) : parts;
    for (const part of complete) {
      yield part;
      at += part.length;
    }
  }
}

/** Columns one grapheme takes. */
export function graphemeWidth(part: string): number {
  if (part.length === 1 && part >= ' ' && part <= '~') return 1;
  let width = graphemeWidths.get(part);
  if (width === undefined) {
    width = stringWidth(part);
    if (graphemeWidths.size >= GRAPHEME_CACHE_LIMIT) graphemeWidths.clear();
    graphemeWidths.set(part, width);
  }
  return width;
}

/**
 * Cuts plain (sanitised, uncoloured) text to at most `width` columns, ending with `…` when cut. A wide
 * character that does not fit whole is replaced by a space, so the result is then exactly `width` wide.
 * It reads only as far as it needs: a 10 kB query cut to 60 columns costs 60 graphemes, not 10 kB.
 */
export function truncate(text: string, width: number): string {
  return cut(text, width).text;
}

/** The text cut as `truncate` cuts it, with the columns the result takes. */
function cut(text: string, width: number): { text: string; width: number } {
  if (width <= 0) return { text: '', width: 0 };
  if (PRINTABLE_ASCII.test(text)) {
    if (text.length <= width) return { text, width: text.length };
    return { text: width === 1 ? ELLIPSIS : text.slice(0, width - 1) + ELLIPSIS, width };
  }
  const room = width - 1;
  let kept = '';
  let keptWidth = 0;
  let used = 0;
  for (const segment of graphemes(text)) {
    used += graphemeWidth(segment);
    if (used > width) {
      if (width === 1) return { text: ELLIPSIS, width: 1 };
      return { text: kept + ' '.repeat(room - keptWidth) + ELLIPSIS, width };
    }
    if (used <= room) {
      kept += segment;
      keptWidth = used;
    }
  }
  return { text, width: used };
}

/** Pads with spaces on the right to `width` columns; text already that wide or wider is returned as is. */
export function padEnd(text: string, width: number): string {
  const missing = width - displayWidth(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

/** Pads with spaces on the left to `width` columns; text already that wide or wider is returned as is. */
export function padStart(text: string, width: number): string {
  const missing = width - displayWidth(text);
  return missing > 0 ? ' '.repeat(missing) + text : text;
}

/** Exactly `width` columns: truncated if longer, padded if shorter. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  // Text with escape sequences is measured as string-width measures it (without them).
  if (ESCAPES.test(text)) {
    const shown = truncate(text, width);
    return align === 'left' ? padEnd(shown, width) : padStart(shown, width);
  }
  const { text: shown, width: used } = cut(text, width);
  const missing = width - used;
  if (missing <= 0) return shown;
  return align === 'left' ? shown + ' '.repeat(missing) : ' '.repeat(missing) + shown;
}

/**
 * Hard-wraps plain text to lines of at most `width` columns, breaking after the last space that fits when
 * there is one, mid-word otherwise. Line breaks in the text are kept. A single grapheme wider than
 * `width` gets a line of its own.
 */
export function wrap(text: string, width: number): string[] {
  const limit = Math.max(1, Math.floor(width));
  return text.split(/\r\n|\n|\r/).flatMap((line) => wrapLine(line, limit));
}

function wrapLine(line: string, width: number): string[] {
  if (displayWidth(line) <= width) return [line];
  const lines: string[] = [];
  let current: string[] = [];
  let currentWidth = 0;
  let lastSpace = -1;
  const flush = (parts: string[]): void => {
    lines.push(parts.join(''));
  };
  for (const part of graphemes(line)) {
    const partWidth = graphemeWidth(part);
    if (currentWidth + partWidth > width && current.length > 0) {
      if (part === ' ') {
        flush(current);
        current = [];
        currentWidth = 0;
        lastSpace = -1;
        continue;
      }
      if (lastSpace > 0) {
        flush(current.slice(0, lastSpace));
        current = current.slice(lastSpace + 1);
        currentWidth = stringWidth(current.join(''));
        lastSpace = -1;
      }
      if (currentWidth + partWidth > width && current.length > 0) {
        flush(current);
        current = [];
        currentWidth = 0;
      }
    }
    if (part === ' ') lastSpace = current.length;
    current.push(part);
    currentWidth += partWidth;
  }
  flush(current);
  return lines;
}
