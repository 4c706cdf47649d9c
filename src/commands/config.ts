import { connectionHelp } from '../cli/flags.js';
import { connectionFrom, expectNoExtraInput, parseCommand, profileSetup } from '../cli/parse.js';
import { resolveTopOptions, topFlags } from '../cli/top-options.js';
import { resolveBouncerTarget } from '../config/bouncer-target.js';
import { configPath } from '../config/config-file.js';
import { describeTarget } from '../config/resolve.js';
import type { ConnectionSettings } from '../config/types.js';
import { UsageError } from '../errors.js';
import { sanitizeOneLine } from '../text/sanitize.js';
import { terminalSafeJson } from './snapshot/snapshot-json.js';

export const configHelp = `Usage: pgtop config path
       pgtop config show [--json] [--profile NAME] [monitor options] [CONNINFO | URI]

path   prints where the configuration file is read from: PGTOP_CONFIG, else
       $XDG_CONFIG_HOME/pgtop/config.toml (default ~/.config/pgtop/config.toml)
show   prints what pgtop would use after flags, the profile, the environment and the defaults have
       had their say: the connection, PgBouncer, interval, read-only, directories, label, colour,
       theme and thresholds. Passwords are never printed, only where they come from.

Options:
  --json                  print JSON
  --interval, --read-only, --pgbouncer, --migrations-dir, --backup-dir, --theme, --threshold   as for pgtop
${connectionHelp}`;

export const configFlags = { ...topFlags, json: { type: 'boolean' } } as const;
export const CONFIG_COMMANDS = ['path', 'show'] as const;

/** What a connection resolves to, without its secrets. */
function connectionView(settings: ConnectionSettings): Record<string, unknown> {
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings.extra)) extra[key] = /password|secret|key/.test(key) ? '****' : value;
  return {
    target: describeTarget(settings),
    host: settings.host,
    port: settings.port,
    user: settings.user,
    dbname: settings.database,
    sslmode: settings.sslmode,
    ...(settings.sslrootcert !== undefined ? { sslrootcert: settings.sslrootcert } : {}),
    password: settings.password === undefined ? null : `**** (from ${settings.passwordSource ?? 'unknown'})`,
    ...(Object.keys(extra).length > 0 ? { options: extra } : {}),
  };
}

function showDocument(argv: string[], env: NodeJS.ProcessEnv): { doc: Record<string, unknown>; json: boolean } {
  const parsed = parseCommand(argv, { command: 'pgtop config show', help: configHelp, flags: configFlags });
  expectNoExtraInput(parsed, 1, 'pgtop config show');
  const { config, profile } = profileSetup(parsed, env);
  const options = resolveTopOptions(parsed, argv, env);
  const { settings } = connectionFrom(parsed, env);
  const doc: Record<string, unknown> = {
    config_file: config.file ?? null,
    profile: profile?.name ?? null,
    connection: connectionView(settings),
    pgbouncer: options.bouncerTarget ? connectionView(resolveBouncerTarget(options.bouncerTarget, env)) : null,
    interval: options.intervalSeconds,
    read_only: options.readOnly,
    migrations_dir: options.migrationsDir,
    backup_dir: options.backupDir,
    label: profile?.label ?? null,
    color: profile?.color ?? null,
    theme: options.theme,
    thresholds: profile?.thresholds ?? {},
  };
  return { doc, json: parsed.flags.json === true };
}

function formatValue(value: unknown): string {
  if (value === null) return '-';
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([key, inner]) => `${key}=${inner === null ? '-' : typeof inner === 'object' ? JSON.stringify(inner) : String(inner)}`).join(' ') || '-';
  }
  return String(value);
}

export async function runConfig(argv: string[], env: NodeJS.ProcessEnv = process.env, stdout: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    stdout.write(`${configHelp}\n`);
    return 0;
  }
  if (command === undefined) throw new UsageError('config: say what to do: path or show. Try: pgtop config --help');
  if (command === 'path') {
    parseCommand(rest, { command: 'pgtop config path', help: configHelp, flags: {} });
    stdout.write(`${configPath(env).path}\n`);
    return 0;
  }
  if (command === 'show') {
    const { doc, json } = showDocument(rest, env);
    if (json) stdout.write(`${terminalSafeJson(doc, 2)}\n`);
    else for (const [key, value] of Object.entries(doc)) stdout.write(`${key.padEnd(15)} ${sanitizeOneLine(formatValue(value))}\n`);
    return 0;
  }
  throw new UsageError(`config: unknown command "${sanitizeOneLine(command)}": path or show. Try: pgtop config --help`);
}
