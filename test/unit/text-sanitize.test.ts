import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitize, sanitizeLines, sanitizeOneLine } from '../../src/text/sanitize.js';

const ESC = '\u001b';

/** No character a terminal would act on survives. */
function assertInert(text: string): void {
  assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
}

describe('sanitize', () => {
  test('a set-title sequence becomes visible text', () => {
    const out = sanitize(`${ESC}]0;evil\u0007SELECT 1`);
    assert.equal(out, String.raw`\x1b]0;evil\x07SELECT 1`);
    assertInert(out);
  });

  test('colours, cursor moves and clear screen become visible text', () => {
    assert.equal(sanitize(`${ESC}[31mred${ESC}[0m`), String.raw`\x1b[31mred\x1b[0m`);
    assert.equal(sanitize(`${ESC}[10;5H${ESC}[2A${ESC}7${ESC}8`), String.raw`\x1b[10;5H\x1b[2A\x1b7\x1b8`);
    assert.equal(sanitize(`${ESC}[2J${ESC}[H`), String.raw`\x1b[2J\x1b[H`);
    assert.equal(sanitize(`${ESC}[?1049l`), String.raw`\x1b[?1049l`);
  });

  test('C1 controls, including the single-byte CSI, become visible text', () => {
    assert.equal(sanitize('\u009b31m'), String.raw`\x9b31m`);
    assert.equal(sanitize('a\u0080b\u0085c\u009fd'), String.raw`a\x80b\x85c\x9fd`);
  });

  test('every C0 control, DEL and NUL become two-digit lowercase escapes', () => {
    assert.equal(sanitize('\u0000'), String.raw`\x00`);
    assert.equal(sanitize('\u007f'), String.raw`\x7f`);
    assert.equal(sanitize('a\tb\rc\nd\u0008e\u001f'), String.raw`a\x09b\x0dc\x0ad\x08e\x1f`);
    for (let code = 0; code < 0x20; code += 1) {
      assert.equal(sanitize(String.fromCharCode(code)), `\\x${code.toString(16).padStart(2, '0')}`);
    }
  });

  test('bidi overrides, isolates and invisible direction marks become \\u escapes', () => {
    assert.equal(sanitize('abc\u202edcba'), String.raw`abc\u202edcba`);
    assert.equal(
      sanitize('\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c'),
      String.raw`\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c`,
    );
  });

  test('line and paragraph separators become \\u escapes', () => {
    assert.equal(sanitize('a\u2028b\u2029c'), String.raw`a\u2028b\u2029c`);
  });

  test('plain text, Unicode, emoji and a literal backslash are untouched', () => {
    for (const text of [
      "SELECT * FROM orders WHERE note = 'x\\y'",
      'café 日本語 한국어 Ελληνικά العربية',
      '😀 👩‍👩‍👧 🇯🇵 e\u0301',
      String.raw`\x1b is already an escape`,
      '',
    ]) {
      assert.equal(sanitize(text), text);
    }
  });

  test('the output of sanitize is stable (sanitising twice changes nothing more)', () => {
    const once = sanitize(`${ESC}[31m\u202e\u0000`);
    assert.equal(sanitize(once), once);
  });
});

describe('sanitizeOneLine', () => {
  test('collapses runs of spaces, tabs and line breaks into one space and trims', () => {
    assert.equal(sanitizeOneLine('  SELECT *\n\t FROM   t\r\n WHERE x = 1  \n'), 'SELECT * FROM t WHERE x = 1');
  });

  test('still escapes the other controls', () => {
    const out = sanitizeOneLine(`SELECT 1;\n${ESC}]0;pwned\u0007 \u202e`);
    assert.equal(out, String.raw`SELECT 1; \x1b]0;pwned\x07 \u202e`);
    assertInert(out);
  });

  test('does not collapse non-breaking or other Unicode spaces', () => {
    assert.equal(sanitizeOneLine('a\u00a0\u00a0b'), 'a\u00a0\u00a0b');
  });
});

describe('sanitizeLines', () => {
  test('keeps the line structure, expands tabs, and escapes the rest', () => {
    assert.deepEqual(sanitizeLines(`SELECT 1\r\n\tFROM t\nWHERE\t${ESC}[2J\rx`), [
      'SELECT 1',
      '    FROM t',
      String.raw`WHERE   \x1b[2J`,
      'x',
    ]);
  });
});

describe('zero-width characters', () => {
  test('are escaped so that a name cannot pass for another', () => {
    assert.equal(sanitize('postgre\u200bs'), String.raw`postgre\u200bs`);
    assert.equal(
      sanitize('a\u200bb\u200cc\u200dd\u2060e\ufeff\u00adf'),
      String.raw`a\u200bb\u200cc\u200dd\u2060e\ufeff\xadf`,
    );
    assert.equal(sanitizeOneLine('\ufeffSELECT 1'), String.raw`\ufeffSELECT 1`);
  });

  test('a joiner inside an emoji sequence stays', () => {
    assert.equal(sanitize('👩‍👩‍👧 👍🏽‍x'), String.raw`👩‍👩‍👧 👍🏽\u200dx`);
  });
});

describe('sanitizeOneLine on a long text', () => {
  test('reads only the start, and shows that the text goes on', () => {
    const long = `SELECT ${'x, '.repeat(400_000)}1`;
    const out = sanitizeOneLine(long, 100);
    assert.equal(out.length, 101);
    assert.ok(out.startsWith('SELECT x, x, '));
  });

  test('keeps reading past a long run of blanks', () => {
    const out = sanitizeOneLine(`SELECT${' '.repeat(50_000)}1${'\n'.repeat(50_000)}2`, 100);
    assert.equal(out, 'SELECT 1 2');
  });

  test('a text of the limit or less is whole', () => {
    assert.equal(sanitizeOneLine(` a\t\tb${'c'.repeat(90)} `, 100), `a b${'c'.repeat(90)}`);
  });
});
