import meow from 'meow';
import { loadConfig, type PgtopConfig, type Profile } from '../config/config-file.js';
import { chooseProfile, profileOrigin } from '../config/profile.js';
import { pgtopVersion } from '../config/pgtop-version.js';
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
 * options rejected (exit 2). `--help` and `--version` print and exit 0.
 */
export function parseCommand(argv: string[], options: { command: string; help: string; flags: FlagSpecs }): ParsedCommand {
  const flags: FlagSpecs = { ...connectionFlags, ...options.flags };
  checkKnownFlags(argv, flags, options.command);
  const beforeEnd = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeEnd.includes('--help')) {
    // meow's own help starts with a blank line; ours starts with the usage line.
    process.stdout.write(`${options.help.replace(/^\n+/, '').trimEnd()}\n`);
    process.exit(0);
  }
  const cli = meow(options.help, {
    importMeta: import.meta,
    pkg: { name: 'pgtop', version: pgtopVersion() },
    argv,
    flags,
    allowUnknownFlags: false,
    autoHelp: false,
    autoVersion: true,
    helpIndent: 0,
    description: false,
  });
  return { flags: cli.flags as ParsedFlags, input: cli.input };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export interface ProfileSetup {
  config: PgtopConfig;
  profile?: Profile;
}

const setups = new WeakMap<ParsedCommand, ProfileSetup>();

/** The configuration file and the profile chosen by --profile, PGTOP_PROFILE or default_profile (read once). */
export function profileSetup(parsed: ParsedCommand, env: NodeJS.ProcessEnv): ProfileSetup {
  let setup = setups.get(parsed);
  if (!setup) {
    const config = loadConfig(env);
    setup = { config, profile: chooseProfile(config, str(parsed.flags.profile), env) };
    setups.set(parsed, setup);
  }
  return setup;
}

/**
 * The connection target from the parsed flags and the last positional argument, above the profile's
 * connection, above the environment.
 */
export function connectionFrom(parsed: ParsedCommand, env: NodeJS.ProcessEnv, positional: string | undefined = parsed.input.at(-1)): { settings: ConnectionSettings; warnings: string[] } {
  const { config, profile } = profileSetup(parsed, env);
  return resolveConnection({
    flags: { host: str(parsed.flags.host), port: str(parsed.flags.port), username: str(parsed.flags.username), dbname: str(parsed.flags.dbname) },
    target: positional,
    profileTarget: profile?.connection,
    profileOrigin: profile ? profileOrigin(profile, config) : undefined,
    env,
  });
}

export function expectNoExtraInput(parsed: ParsedCommand, max: number, command: string): void {
  if (parsed.input.length > max) {
    throw new UsageError(`unexpected argument "${parsed.input[max]}". Try: ${command} --help`);
  }
}
