import { UsageError } from '../errors.js';
import type { PgtopConfig, Profile } from './config-file.js';

/**
 * The profile to use: `--profile`, else PGTOP_PROFILE, else the file's default_profile, else none.
 * A name that the file does not define is an error listing the ones it does.
 */
export function chooseProfile(config: PgtopConfig, flag: string | undefined, env: NodeJS.ProcessEnv): Profile | undefined {
  const name = flag ?? (env.PGTOP_PROFILE || undefined) ?? config.defaultProfile;
  if (name === undefined) return undefined;
  const from = flag !== undefined ? '--profile' : env.PGTOP_PROFILE ? 'PGTOP_PROFILE' : 'default_profile';
  const profile = config.profiles[name];
  if (profile) return profile;
  if (config.file === undefined) {
    throw new UsageError(`${from} names profile "${name}" but there is no configuration file; create one (pgtop config path shows where)`);
  }
  const names = Object.keys(config.profiles);
  throw new UsageError(`${from} names profile "${name}", which ${config.file} does not define (profiles: ${names.length > 0 ? names.join(', ') : 'none'})`);
}

/** Where a profile's setting came from, for messages. */
export function profileOrigin(profile: Profile, config: PgtopConfig): string {
  return `profile "${profile.name}" in ${config.file ?? 'the configuration'}`;
}

/**
 * Whether pgtop runs read-only: a profile with read_only = true stays read-only whatever the flags say;
 * asking for it to be writable (--no-read-only) is an error rather than silently ignored.
 */
export function resolveReadOnly(flag: boolean | undefined, profile: Profile | undefined): boolean {
  if (profile?.readOnly === true) {
    if (flag === false) throw new UsageError(`profile "${profile.name}" is read-only (read_only = true); --no-read-only cannot make it writable`);
    return true;
  }
  return flag ?? profile?.readOnly ?? false;
}

/** The server of a command that talks to one (snapshot, migrate, backup, check): the profile's connection, else its first server. */
export function profileConnection(profile: Profile | undefined): string | undefined {
  return profile?.connection ?? profile?.servers?.[0]?.connection;
}

/** The PgBouncer of that server: the profile's pgbouncer, else the first server's. */
export function profileBouncer(profile: Profile | undefined): string | undefined {
  return profile?.pgbouncer ?? profile?.servers?.[0]?.pgbouncer?.connection;
}
