export type SqlTokenKind =
  | 'word'
  | 'quoted-identifier'
  | 'string'
  | 'comment'
  | 'semicolon'
  | 'open-paren'
  | 'close-paren'
  | 'other';

/** One lexical token of SQL text; `start` and `end` are offsets into the text (end exclusive). */
export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const SPACE = /\s/;

function endOfQuoted(source: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from;
  while (i < source.length) {
    const char = source[i];
    if (backslashEscapes && char === '\\') {
      i += 2;
      continue;
    }
    if (char === quote) {
      if (source[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return source.length;
}

function endOfBlockComment(source: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < source.length && depth > 0) {
    if (source.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (source.startsWith('*/', i)) {
      depth--;
      i += 2;
    } else {
      i++;
    }
  }
  return i;
}

/**
 * Splits SQL text into tokens the way PostgreSQL's lexer sees quoting: single-quoted and E'' strings,
 * double-quoted identifiers, dollar quotes ($$ and $tag$), `--` comments and nested block comments.
 * Whitespace is skipped; numbers and operators come out as one-character 'other' tokens.
 */
export function lexSql(source: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const push = (kind: SqlTokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: source.slice(start, end), start, end });
  };
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? '';
    const start = i;
    if (SPACE.test(char)) {
      i++;
    } else if (source.startsWith('--', i)) {
      const newline = source.indexOf('\n', i);
      i = newline === -1 ? source.length : newline;
      push('comment', start, i);
    } else if (source.startsWith('/*', i)) {
      i = endOfBlockComment(source, i + 2);
      push('comment', start, i);
    } else if (char === "'") {
      i = endOfQuoted(source, i + 1, "'", false);
      push('string', start, i);
    } else if (char === '"') {
      i = endOfQuoted(source, i + 1, '"', false);
      push('quoted-identifier', start, i);
    } else if (char === '$') {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(source)?.[0];
      if (tag) {
        const close = source.indexOf(tag, i + tag.length);
        i = close === -1 ? source.length : close + tag.length;
        push('string', start, i);
      } else {
        i++;
        push('other', start, i);
      }
    } else if (WORD_START.test(char)) {
      i++;
      while (i < source.length && WORD_PART.test(source[i] ?? '')) i++;
      if (i - start === 1 && (char === 'E' || char === 'e') && source[i] === "'") {
        i = endOfQuoted(source, i + 1, "'", true);
        push('string', start, i);
      } else {
        push('word', start, i);
      }
    } else if (char === ';') {
      i++;
      push('semicolon', start, i);
    } else if (char === '(') {
      i++;
      push('open-paren', start, i);
    } else if (char === ')') {
      i++;
      push('close-paren', start, i);
    } else {
      i++;
      push('other', start, i);
    }
  }
  return tokens;
}
