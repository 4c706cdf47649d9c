import type { PgtopTerminal } from './tmux.js';

/** The lines of a captured screen. */
export function screenLines(screen: string): string[] {
  return screen.split('\n');
}

/** The footer: the last line of the screen that is not blank. */
export function footer(screen: string): string {
  return screenLines(screen).filter((line) => line.trim() !== '').at(-1) ?? '';
}

/** The first line of the screen matching `pattern`, or undefined. */
export function lineMatching(screen: string, pattern: RegExp): string | undefined {
  return screenLines(screen).find((line) => pattern.test(line));
}

/** The line of column titles that contains `title` (the table's header row), or undefined. */
export function titleLine(screen: string, title: string): string | undefined {
  return screenLines(screen).find((line) => line.includes(title));
}

/**
 * The text of `row` under the column titled `title`, `width` characters from where the title starts.
 * Every character pgtop draws in a table is one column wide, so string positions are screen columns.
 */
export function cellUnder(screen: string, row: string, title: string, width: number): string {
  const titles = titleLine(screen, title);
  if (titles === undefined) throw new Error(`no column titled ${title} on the screen:\n${screen}`);
  const start = titles.indexOf(title);
  return row.slice(start, start + width);
}

/**
 * Sends `keys`, then `?`, and returns the screen once the help overlay is up: every key before `?` has
 * been handled by then (keys are read in order), so the screen shows what they did, or that they did
 * nothing. The help is closed again before returning.
 */
export async function afterKeys(terminal: PgtopTerminal, keys: string[], what: string): Promise<string> {
  terminal.sendKeys(...keys, '?');
  const shown = await terminal.waitFor('any key closes this help', { what: `the help, after ${what}` });
  terminal.sendKeys('Escape');
  await terminal.waitFor((screen) => !screen.includes('any key closes this help'), { what: 'the help to close' });
  return shown;
}
