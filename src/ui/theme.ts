import chalk from 'chalk';
import type { BaseColor, ThemeName } from '../config/config-file.js';

export type Style = (s: string) => string;
interface Palette {
  title: Style;
  dim: Style;
  warn: Style;
  error: Style;
  ok: Style;
  selected: Style;
  heading: Style;
  activeTab: Style;
  tagged: Style;
  blocked: Style;
  blocker: Style;
  key: Style;
}

/** Attributes only (bold, dim, inverse): what is left when colours are off. */
const ATTRIBUTES: Palette = {
  title: (s) => chalk.bold(s),
  dim: (s) => chalk.dim(s),
  warn: (s) => chalk.bold(s),
  error: (s) => chalk.bold(s),
  ok: (s) => s,
  selected: (s) => chalk.inverse(s),
  heading: (s) => chalk.bold(s),
  activeTab: (s) => chalk.bold.inverse(s),
  tagged: (s) => chalk.underline(s),
  blocked: (s) => s,
  blocker: (s) => chalk.bold(s),
  key: (s) => chalk.bold(s),
};

// Only the 16 base colours: every colour terminal has them, and the terminal's own palette decides their shade.
const DARK: Palette = {
  ...ATTRIBUTES,
  title: (s) => chalk.bold.cyan(s),
  warn: (s) => chalk.yellow(s),
  error: (s) => chalk.red(s),
  ok: (s) => chalk.green(s),
  tagged: (s) => chalk.magenta(s),
  blocked: (s) => chalk.yellow(s),
  blocker: (s) => chalk.red(s),
};

/** Yellow and cyan are hard to read on a light background: blue, magenta and dark red instead. */
const LIGHT: Palette = {
  ...ATTRIBUTES,
  title: (s) => chalk.bold.blue(s),
  warn: (s) => chalk.magenta(s),
  error: (s) => chalk.bold.red(s),
  ok: (s) => chalk.green(s),
  tagged: (s) => chalk.underline.blue(s),
  blocked: (s) => chalk.magenta(s),
  blocker: (s) => chalk.bold.red(s),
};

let current: Palette = DARK;
let colours = true;

/** Chooses the palette for the rest of the run: dark or light, or attributes only (NO_COLOR, --no-color). */
export function configureTheme(options: { name: ThemeName; colour: boolean; attributesShown: boolean }): void {
  colours = options.colour;
  // chalk turns every attribute off for --no-color; inverse still has to mark the selected row.
  if (!options.colour && options.attributesShown && chalk.level === 0) chalk.level = 1;
  current = !options.colour ? ATTRIBUTES : options.name === 'light' ? LIGHT : DARK;
}

/** A profile's label as a block in its colour (inverse, so a red label is a red bar); bold inverse without colours. */
export function labelStyle(color: BaseColor | undefined): Style {
  return (s) => (colours && color ? chalk.bold.inverse[color](s) : chalk.bold.inverse(s));
}

/**
 * The styles the screen uses, in one place. Each looks the palette up when called, so a style captured at
 * import time follows configureTheme. chalk still decides whether the terminal gets any attributes at all.
 */
export const theme: Palette = {
  title: (s) => current.title(s),
  dim: (s) => current.dim(s),
  warn: (s) => current.warn(s),
  error: (s) => current.error(s),
  ok: (s) => current.ok(s),
  selected: (s) => current.selected(s),
  heading: (s) => current.heading(s),
  activeTab: (s) => current.activeTab(s),
  tagged: (s) => current.tagged(s),
  blocked: (s) => current.blocked(s),
  blocker: (s) => current.blocker(s),
  key: (s) => current.key(s),
};
