import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyLabel, keyName, splitKeys, type InkKey } from '../../src/keymap/keys.js';

const NO_KEY: InkKey = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  meta: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
};

const pressed = (flags: Partial<InkKey>): InkKey => ({ ...NO_KEY, ...flags });
const names = (input: string, key: InkKey = NO_KEY): string[] => splitKeys(input, key).map((k) => k.name);

describe('splitKeys', () => {
  test('"j\\r" (j then Enter, read as one chunk) is j then enter', () => {
    assert.deepEqual(splitKeys('j\r', NO_KEY), [
      { name: 'j', input: 'j' },
      { name: 'enter', input: '\r' },
    ]);
  });

  test('a burst of characters becomes one key press each', () => {
    assert.deepEqual(names('Ky'), ['K', 'y']);
    assert.deepEqual(names('app=web'), ['a', 'p', 'p', '=', 'w', 'e', 'b']);
    assert.deepEqual(names('a b'), ['a', 'space', 'b']);
    assert.deepEqual(names('x\x7f\ty\n'), ['x', 'backspace', 'tab', 'y', 'enter']);
    assert.deepEqual(names('q\x1b'), ['q', 'escape']);
    assert.deepEqual(names('\x03q'), ['ctrl-c', 'q'], 'a control character in a burst keeps its ctrl name');
  });

  test('characters outside the BMP are not split in half', () => {
    assert.deepEqual(names('漢字'), ['漢', '字']);
    assert.deepEqual(names('a😀b'), ['a', '😀', 'b']);
  });

  test('a single key, or a special key, is one press', () => {
    assert.deepEqual(splitKeys('q', NO_KEY), [{ name: 'q', input: 'q' }]);
    assert.deepEqual(names('', pressed({ upArrow: true })), ['up']);
    assert.deepEqual(names('', pressed({ pageDown: true })), ['pagedown']);
    assert.deepEqual(names('', pressed({ escape: true })), ['escape']);
    assert.deepEqual(names('c', pressed({ ctrl: true })), ['ctrl-c']);
    assert.deepEqual(names('\r', pressed({ return: true })), ['enter']);
  });
});

describe('keyName', () => {
  test('names each special key once', () => {
    const cases: [Partial<InkKey>, string, string][] = [
      [{ upArrow: true }, '', 'up'],
      [{ downArrow: true }, '', 'down'],
      [{ leftArrow: true }, '', 'left'],
      [{ rightArrow: true }, '', 'right'],
      [{ pageUp: true }, '', 'pageup'],
      [{ pageDown: true }, '', 'pagedown'],
      [{ home: true }, '', 'home'],
      [{ end: true }, '', 'end'],
      [{ return: true }, '\r', 'enter'],
      [{ escape: true }, '', 'escape'],
      [{ tab: true }, '\t', 'tab'],
      [{ tab: true, shift: true }, '', 'shift-tab'],
      [{ backspace: true }, '', 'backspace'],
      [{ delete: true }, '', 'backspace'],
      [{ ctrl: true }, 'C', 'ctrl-c'],
      [{}, ' ', 'space'],
      [{}, 'K', 'K'],
      [{}, '/', '/'],
    ];
    for (const [flags, input, expected] of cases) assert.equal(keyName(input, pressed(flags)), expected, JSON.stringify(flags));
  });

  test('labels for the help and footer', () => {
    assert.equal(keyLabel('pageup'), 'PgUp');
    assert.equal(keyLabel('ctrl-c'), 'Ctrl-C');
    assert.equal(keyLabel('escape'), 'Esc');
    assert.equal(keyLabel('K'), 'K');
  });
});

describe('Alt+key', () => {
  test('is not the bare key: Alt-y cannot confirm a dialog, Alt-q cannot quit', () => {
    assert.notEqual(keyName('y', { ...NO_KEY, meta: true }), 'y');
    assert.notEqual(keyName('q', { ...NO_KEY, meta: true }), 'q');
    assert.deepEqual(splitKeys('y', { ...NO_KEY, meta: true }).map((k) => k.name), ['meta-y']);
  });

  test('Escape alone stays Escape', () => {
    assert.equal(keyName('', { ...NO_KEY, escape: true, meta: true }), 'escape');
  });
});
