/** The subset of Ink's Key that names special keys. */
export interface InkKey {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home: boolean;
  end: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  shift: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  meta: boolean;
}

/** One canonical name per key press: `up`, `enter`, `ctrl-c`, `shift-tab`, or the character itself. */
export function keyName(input: string, key: InkKey): string {
  // Alt+key (Ink drops its ESC) is no key of ours: it must not confirm a dialog as a bare `y` would.
  if (key.meta && !key.escape) return `meta-${input}`;
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input.length === 1) return `ctrl-${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

const LABELS: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  'shift-tab': 'Shift-Tab',
  space: 'space',
  backspace: 'Backspace',
  'ctrl-c': 'Ctrl-C',
};

export function keyLabel(name: string): string {
  return LABELS[name] ?? name;
}

const CONTROL_NAMES: Record<string, string> = { '\r': 'enter', '\n': 'enter', '\t': 'tab', '\x7f': 'backspace', '\b': 'backspace', ' ': 'space', '\x1b': 'escape' };

/**
 * Ink hands over a burst of keys typed (or pasted) faster than it reads as one string: split it into
 * single key presses so that `j` then Enter is not one unknown key. Special keys arrive alone and are kept.
 */
export function splitKeys(input: string, key: InkKey): { name: string; input: string }[] {
  const special = key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end || key.escape || key.ctrl || key.meta;
  const chars = [...input];
  if (special || chars.length <= 1) return [{ name: keyName(input, key), input }];
  return chars.map((ch) => ({ name: CONTROL_NAMES[ch] ?? (ch.charCodeAt(0) < 32 ? `ctrl-${String.fromCharCode(ch.charCodeAt(0) + 96)}` : ch), input: ch }));
}
