import meow from 'meow';
import { pgtopVersion } from '../backup/pgtop-version.js';
import { resolveConnection } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { UsageError } from '../errors.js';
import { checkKnownFlags, connectionFlags, type FlagSpecs } from './flags.js';

export type ParsedFlags = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedCommand {
  flags: ParsedFlags;
  input: string[];
}

/**
 * Parses one command's arguments: the connection options plus the command's own, with unknown
 * options rejected (exit 2). `--help` and `--version` print and exit, as meow does.
 */
export function parseCommand(argv: string[], options: { command: string; help: string; flags: FlagSpecs }): ParsedCommand {
  const flags: FlagSpecs = { ...connectionFlags, ...options.flags };
  checkKnownFlags(argv, flags, options.command);
  const cli = meow(options.help, {
    importMeta: import.meta,
    pkg: { name: 'pgtop', version: pgtopVersion() },
    argv,
    flags,
    allowUnknownFlags: false,
    autoHelp: true,
    autoVersion: true,
    helpIndent: 0,
    description: false,
  });
  return { flags: cli.flags as ParsedFlags, input: cli.input };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The connection target from the parsed flags and the last positional argument. */
export function connectionFrom(parsed: ParsedCommand, env: NodeJS.ProcessEnv, positional: string | undefined = parsed.input.at(-1)): { settings: ConnectionSettings; warnings: string[] } {
  return resolveConnection({
    flags: { host: str(parsed.flags.host), port: str(parsed.flags.port), username: str(parsed.flags.username), dbname: str(parsed.flags.dbname) },
    target: positional,
    env,
  });
}

export function expectNoExtraInput(parsed: ParsedCommand, max: number, command: string): void {
  if (parsed.input.length > max) {
    throw new UsageError(`unexpected argument "${parsed.input[max]}". Try: ${command} --help`);
  }
}
