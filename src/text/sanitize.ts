// Everything a terminal could interpret: C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates,
// the invisible direction marks, and the Unicode line/paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const WHITESPACE_RUN = /[ \t\r\n]+/g;
const TAB_STOP = 4;

function escapeChar(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Makes untrusted text safe to print: every control or direction-changing character becomes a visible
 * escape (`\x1b`, `\u202e`). Printable text, including a literal backslash, is left as it is.
 */
export function sanitize(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text;
}

/** For one-line columns: runs of spaces, tabs and line breaks become one space, then the rest is sanitised. */
export function sanitizeOneLine(text: string): string {
  return sanitize(text.replace(WHITESPACE_RUN, ' ').replace(/^ | $/g, ''));
}

/**
 * For multi-line display (a whole query): splits at line breaks (LF, CRLF, CR), expands tabs to
 * spaces, and sanitises each line.
 */
export function sanitizeLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/).map((line) => sanitize(expandTabs(line)));
}

function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const char of line) {
    out += char === '\t' ? ' '.repeat(TAB_STOP - (out.length % TAB_STOP)) : char;
  }
  return out;
}
