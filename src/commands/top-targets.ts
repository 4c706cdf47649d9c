import type { PgtopConfig, Profile } from '../config/config-file.js';
import { resolveBouncerTarget } from '../config/bouncer-target.js';
import { profileOrigin } from '../config/profile.js';
import { resolveConnection } from '../config/resolve.js';
import { UsageError } from '../errors.js';
import { PostgresSource, monitorTimeoutMs } from '../sources/postgres.js';
import type { BouncerDeps } from '../ui/controller.js';
import type { ParsedCommand } from '../cli/parse.js';

/** One server on the screen, and the PgBouncer in front of it. */
export interface ScreenTarget {
  /** Its name in the profile; empty for the one server of a monitor without [[servers]]. */
  name: string;
  source: PostgresSource;
  bouncer?: BouncerDeps & { target: string };
}

const CONNECTION_FLAGS = ['host', 'port', 'username', 'dbname'] as const;

/** A server named on the command line (an argument, -h, -p, -U or -d) is watched alone, whatever the profile's servers. */
export function commandLineNamesServer(parsed: ParsedCommand): boolean {
  return parsed.input.length > 0 || CONNECTION_FLAGS.some((flag) => parsed.flags[flag] !== undefined);
}

/**
 * The profile's servers, each with its own monitoring connection and PgBouncer, when it names several and the
 * command line names none; undefined otherwise (one server, as without a profile).
 */
export function profileTargets(
  setup: { config: PgtopConfig; profile?: Profile },
  parsed: ParsedCommand,
  options: { intervalSeconds: number; bouncerFlag: string | undefined; env: NodeJS.ProcessEnv },
  openBouncer: (settings: ReturnType<typeof resolveBouncerTarget>) => BouncerDeps & { target: string },
): { targets: ScreenTarget[]; warnings: string[] } | undefined {
  const servers = setup.profile?.servers;
  if (!setup.profile || !servers || servers.length < 2 || commandLineNamesServer(parsed)) return undefined;
  if (options.bouncerFlag !== undefined) {
    throw new UsageError(`--pgbouncer names one PgBouncer, but profile "${setup.profile.name}" watches ${servers.length} servers: name each one's in [[pgbouncers]] (or give one server on the command line)`);
  }
  const origin = profileOrigin(setup.profile, setup.config);
  const warnings: string[] = [];
  const targets = servers.map((server): ScreenTarget => {
    const { settings, warnings: found } = resolveConnection({ flags: {}, profileTarget: server.connection, profileOrigin: `server "${server.name}" of ${origin}`, env: options.env });
    warnings.push(...found.map((w) => `${server.name}: ${w}`));
    // No password prompt: a prompt for one server would hold up the screen of every other.
    const source = new PostgresSource(settings, { interactive: false, statementTimeoutMs: monitorTimeoutMs(options.intervalSeconds) });
    const bouncer = server.pgbouncer ? openBouncer(resolveBouncerTarget(server.pgbouncer.connection, options.env)) : undefined;
    return { name: server.name, source, ...(bouncer ? { bouncer } : {}) };
  });
  return { targets, warnings };
}
