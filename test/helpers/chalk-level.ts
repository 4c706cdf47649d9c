import { after, before } from 'node:test';
import chalk from 'chalk';

/** The suite around this call draws with chalk at `level` (0: no colour), and the level before is put back after it. */
export function chalkLevelInSuite(level: typeof chalk.level): void {
  let saved: typeof chalk.level;
  before(() => {
    saved = chalk.level;
    chalk.level = level;
  });
  after(() => {
    chalk.level = saved;
  });
}
