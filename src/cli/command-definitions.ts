import type { FlagSpec } from './flags.js';

/** What --help, the shell completions and the man page know of one command. */
export interface CommandDefinition {
  /** The words after `pgtop` (empty for the monitor itself). */
  name: string;
  /** One line for lists of commands. */
  summary: string;
  /** The full --help text. */
  help: string;
  /** Every option the command accepts (a boolean with default true is given as --no-NAME). */
  flags: Record<string, FlagSpec & { default?: unknown }>;
  /** Words that may follow the command (its subcommands, or the shells of `completion`). */
  subcommands: readonly string[];
}

export interface FlagWords {
  /** The option as typed, e.g. `--lock-wait` or `--no-pgbouncer`. */
  long: string;
  short?: string;
  takesValue: boolean;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The options of a command as the user types them, plus --help (and --version for the monitor). */
export function flagWords(definition: CommandDefinition): FlagWords[] {
  const words = Object.entries(definition.flags).map(([name, spec]): FlagWords => {
    const negated = spec.type === 'boolean' && spec.default === true;
    return {
      long: `--${negated ? 'no-' : ''}${kebab(name)}`,
      short: spec.shortFlag ? `-${spec.shortFlag}` : undefined,
      takesValue: spec.type !== 'boolean',
    };
  });
  words.push({ long: '--help', takesValue: false });
  if (definition.name === '') words.push({ long: '--version', takesValue: false });
  return words;
}
