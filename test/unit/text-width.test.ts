import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { displayWidth, fit, graphemes, padEnd, padStart, truncate, wrap } from '../../src/text/width.js';

describe('displayWidth', () => {
  test('counts terminal columns', () => {
    assert.equal(displayWidth(''), 0);
    assert.equal(displayWidth('abc'), 3);
    assert.equal(displayWidth('日本語'), 6);
    assert.equal(displayWidth('한국어'), 6);
    assert.equal(displayWidth('😀'), 2);
    assert.equal(displayWidth('👩‍👩‍👧'), 2);
    assert.equal(displayWidth('🇯🇵'), 2);
    assert.equal(displayWidth('e\u0301'), 1);
    assert.equal(displayWidth('ｱ'), 1);
    assert.equal(displayWidth('…'), 1);
  });
});

describe('truncate', () => {
  test('leaves text that fits alone', () => {
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(truncate('日本', 4), '日本');
    assert.equal(truncate('', 5), '');
  });

  test('cuts ASCII with an ellipsis to exactly the width', () => {
    assert.equal(truncate('UPDATE orders SET x = 1', 10), 'UPDATE or…');
    assert.equal(displayWidth(truncate('UPDATE orders SET x = 1', 10)), 10);
  });

  test('a width of 1 is the ellipsis alone, 0 or less is nothing', () => {
    assert.equal(truncate('abc', 1), '…');
    assert.equal(truncate('abc', 0), '');
    assert.equal(truncate('abc', -3), '');
  });

  test('never splits a wide character: pads with a space instead', () => {
    assert.equal(truncate('日本語テキスト', 5), '日本…');
    assert.equal(truncate('日本語テキスト', 4), '日 …');
    assert.equal(truncate('日本語テキスト', 2), ' …');
    for (let width = 1; width <= 10; width += 1) {
      assert.equal(displayWidth(truncate('日本語テキスト', width)), width, `width ${width}`);
    }
  });

  test('keeps emoji and ZWJ sequences whole', () => {
    assert.equal(truncate('😀😀😀', 4), '😀 …');
    assert.equal(truncate('a👩‍👩‍👧👩‍👩‍👧', 4), 'a👩‍👩‍👧…');
    assert.equal(truncate('🇯🇵🇯🇵🇯🇵', 5), '🇯🇵🇯🇵…');
  });

  test('keeps combining marks with their base character', () => {
    assert.equal(truncate('e\u0301e\u0301e\u0301e\u0301', 3), 'e\u0301e\u0301…');
    assert.equal(displayWidth(truncate('e\u0301e\u0301e\u0301e\u0301', 3)), 3);
  });
});

describe('padEnd, padStart and fit', () => {
  test('pad by display width', () => {
    assert.equal(padEnd('ab', 4), 'ab  ');
    assert.equal(padStart('ab', 4), '  ab');
    assert.equal(padEnd('日本', 6), '日本  ');
    assert.equal(padStart('😀', 3), ' 😀');
  });

  test('padding never cuts', () => {
    assert.equal(padEnd('abcdef', 3), 'abcdef');
    assert.equal(padStart('日本語', 2), '日本語');
  });

  test('fit is exactly the width, aligned', () => {
    assert.equal(fit('abc', 5), 'abc  ');
    assert.equal(fit('abc', 5, 'right'), '  abc');
    assert.equal(fit('abcdefgh', 5, 'right'), 'abcd…');
    assert.equal(fit('日本語', 5), '日本…');
    assert.equal(fit('日本語', 4, 'right'), '日 …');
    for (const text of ['', 'x', '日本語テキスト', '😀a😀', 'e\u0301x', 'plain ascii text']) {
      for (let width = 0; width <= 12; width += 1) {
        assert.equal(displayWidth(fit(text, width)), width, `${text} at ${width}`);
        assert.equal(displayWidth(fit(text, width, 'right')), width, `${text} at ${width}, right`);
      }
    }
  });
});

describe('wrap', () => {
  test('text that fits is one line', () => {
    assert.deepEqual(wrap('SELECT 1', 20), ['SELECT 1']);
    assert.deepEqual(wrap('', 20), ['']);
  });

  test('breaks at spaces when possible', () => {
    assert.deepEqual(wrap('SELECT id, name FROM users WHERE id = 1', 16), ['SELECT id, name', 'FROM users WHERE', 'id = 1']);
  });

  test('breaks inside a word that is longer than the width', () => {
    assert.deepEqual(wrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
    assert.deepEqual(wrap('ab cdefghijkl', 4), ['ab', 'cdef', 'ghij', 'kl']);
  });

  test('keeps the text\'s own line breaks', () => {
    assert.deepEqual(wrap('SELECT 1\nFROM t\r\n\nWHERE x', 20), ['SELECT 1', 'FROM t', '', 'WHERE x']);
  });

  test('wraps by display width and never splits a wide character', () => {
    assert.deepEqual(wrap('日本語テキスト', 5), ['日本', '語テ', 'キス', 'ト']);
    assert.deepEqual(wrap('😀 😀 😀', 5), ['😀 😀', '😀']);
    for (const line of wrap('日本語 text 한국어 more 😀😀😀 text', 7)) assert.ok(displayWidth(line) <= 7, line);
  });

  test('a character wider than the width gets a line of its own', () => {
    assert.deepEqual(wrap('日本', 1), ['日', '本']);
  });

  test('no text is lost except spaces at break points, and words that fit are never split', () => {
    const text = 'UPDATE orders SET status = \'shipped\', shipped_at = now() WHERE id IN (SELECT id FROM pending)';
    for (let width = 5; width <= 30; width += 1) {
      const lines = wrap(text, width);
      assert.ok(lines.every((line) => displayWidth(line) <= width), `width ${width}`);
      assert.equal(lines.join('').replace(/ /g, ''), text.replace(/ /g, ''), `width ${width}`);
      for (const word of text.split(' ').filter((w) => w.length <= width)) {
        assert.ok(lines.some((line) => line.split(' ').includes(word)), `"${word}" split at width ${width}`);
      }
    }
  });
});

describe('graphemes', () => {
  test('reads a long text slice by slice without splitting a grapheme at a slice edge', () => {
    for (const pad of [253, 254, 255, 256, 257]) {
      const text = `${'a'.repeat(pad)}👩‍👩‍👧e\u0301🇯🇵${'b'.repeat(300)}`;
      const parts = [...graphemes(text)];
      assert.deepEqual(parts.slice(pad, pad + 3), ['👩‍👩‍👧', 'e\u0301', '🇯🇵'], `at ${pad}`);
      assert.equal(parts.join(''), text);
      assert.equal(displayWidth(text), pad + 2 + 1 + 2 + 300);
    }
  });

  test('stopping early reads only what it needs', () => {
    const first = graphemes(`é${'x'.repeat(5_000_000)}`).next();
    assert.equal(first.value, 'é');
    assert.equal(truncate(`日本${'語'.repeat(2_000_000)}`, 7), '日本語…');
  });

  test('splits every mix of ASCII and other text exactly as Intl.Segmenter does', () => {
    // Characters that join with their neighbours: combining marks, ZWJ sequences, emoji modifiers and
    // variation selectors, regional indicators, Hangul jamo, a prepended mark (U+0600), CR LF.
    const pieces = ['a', 'b', ' ', '~', 'e\u0301', '\u0301', '\u200d', '👩', '👩‍👧', '👍🏽', '🏽', '\ufe0f', '🇯', '🇵', '\u1100', '\u1161', '\u11a8', '\u0600', '日', '\r', '\n', '\t', 'ｱ'];
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const segmenter = new Intl.Segmenter();
    for (let run = 0; run < 2000; run += 1) {
      const length = 1 + (next() % 12);
      let text = '';
      for (let i = 0; i < length; i += 1) text += pieces[next() % pieces.length];
      if (run % 10 === 0) text = 'x'.repeat(next() % 300) + text + 'y'.repeat(next() % 300);
      const expected = Array.from(segmenter.segment(text), (part) => part.segment);
      assert.deepEqual([...graphemes(text)], expected, JSON.stringify(text));
    }
  });
});
