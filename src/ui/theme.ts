import chalk from 'chalk';

/** The few colours the screen uses, in one place. chalk follows NO_COLOR / FORCE_COLOR / TTY. */
export const theme = {
  title: (s: string) => chalk.bold.cyan(s),
  dim: (s: string) => chalk.dim(s),
  warn: (s: string) => chalk.yellow(s),
  error: (s: string) => chalk.red(s),
  ok: (s: string) => chalk.green(s),
  selected: (s: string) => chalk.inverse(s),
  heading: (s: string) => chalk.bold(s),
  activeTab: (s: string) => chalk.bold.inverse(s),
  tagged: (s: string) => chalk.magenta(s),
  blocked: (s: string) => chalk.yellow(s),
  blocker: (s: string) => chalk.red(s),
  key: (s: string) => chalk.bold(s),
};
