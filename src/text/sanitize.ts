// Everything a terminal could interpret or that hides in plain sight: C0 controls, DEL, C1 controls, bidi
// embeddings/overrides/isolates, the invisible direction marks, the Unicode line/paragraph separators, and
// the zero-width characters (space, non-joiner, joiner, word joiner, BOM, soft hyphen) that make
// `postgre\u200bs` look like `postgres`. A joiner inside an emoji sequence (👩‍👧) is left alone.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200c\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]|(?<!\p{Extended_Pictographic}(?:\u{fe0f}|\p{Emoji_Modifier})?)\u200d|\u200d(?!\p{Extended_Pictographic})/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');
const WHITESPACE_RUN = /[ \t\r\n]+/g;
const TAB_STOP = 4;

/**
 * The most characters a one-line text keeps: wider than any terminal line, so whatever a column cuts
 * from it still ends in `…` when the text was longer. A 1 MB query costs what this prefix costs.
 */
export const ONE_LINE_LIMIT = 2048;

function escapeChar(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Makes untrusted text safe to print: every control, direction-changing or zero-width character becomes
 * a visible escape (`\x1b`, `\u202e`, `\u200b`). Printable text, including a literal backslash, is left as it is.
 */
export function sanitize(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text;
}

/**
 * For one-line columns: runs of spaces, tabs and line breaks become one space, then the rest is sanitised.
 * Only the start of a long text is read: the result holds at most about `limit` characters, and when
 * the text was longer it is longer than `limit`, so a column cut from it still shows that it goes on.
 */
export function sanitizeOneLine(text: string, limit = ONE_LINE_LIMIT): string {
  if (text.length <= limit) return oneLine(text);
  // Whitespace runs shrink and escapes grow, so read more until the result is past the limit.
  for (let take = limit + 1; ; take *= 4) {
    const head = oneLine(text.slice(0, take), take < text.length);
    if (head.length > limit || take >= text.length) return head.length > limit + 1 ? head.slice(0, limit + 1) : head;
  }
}

function oneLine(text: string, continues = false): string {
  const joined = text.replace(WHITESPACE_RUN, ' ').replace(continues ? /^ / : /^ | $/g, '');
  return sanitize(joined);
}

/**
 * For multi-line display (a whole query): splits at line breaks (LF, CRLF, CR), expands tabs to
 * spaces, and sanitises each line.
 */
export function sanitizeLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/).map((line) => sanitize(expandTabs(line)));
}

/** Tabs to spaces, to the next stop counted from `column` (where the line starts on the screen). */
export function expandTabs(line: string, column = 0): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const char of line) {
    out += char === '\t' ? ' '.repeat(TAB_STOP - ((column + out.length) % TAB_STOP)) : char;
  }
  return out;
}
