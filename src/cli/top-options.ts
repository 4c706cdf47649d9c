import { THEMES, type Profile, type ThemeName } from '../config/config-file.js';
import { UsageError } from '../errors.js';
import { resolveReadOnly } from '../config/profile.js';
import { numberFlag } from './flags.js';
import { profileSetup, type ParsedCommand } from './parse.js';

export const topFlags = {
  interval: { type: 'string' },
  readOnly: { type: 'boolean' },
  pgbouncer: { type: 'string' },
  migrationsDir: { type: 'string' },
  backupDir: { type: 'string' },
  theme: { type: 'string' },
  threshold: { type: 'string', isMultiple: true },
} as const;

/** The monitor's settings after flags, the profile, the environment and the defaults have had their say. */
export interface TopOptions {
  profile?: Profile;
  intervalSeconds: number;
  readOnly: boolean;
  /** The PgBouncer console: --pgbouncer, the profile's, PGTOP_PGBOUNCER. */
  bouncerTarget?: string;
  migrationsDir: string;
  backupDir: string;
  /** --theme, else the profile's, else the file's, else dark. */
  theme: ThemeName;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Flags beat the profile, which beats the environment and the defaults; a read-only profile stays read-only. */
export function resolveTopOptions(parsed: ParsedCommand, argv: readonly string[], env: NodeJS.ProcessEnv): TopOptions {
  const { config, profile } = profileSetup(parsed, env);
  const themeFlag = str(parsed.flags.theme);
  if (themeFlag !== undefined && !(THEMES as readonly string[]).includes(themeFlag)) {
    throw new UsageError(`--theme must be ${THEMES.join(' or ')}, not "${themeFlag}". Try: pgtop --help`);
  }
  // meow reads an absent boolean as false: only the argv tells an explicit --no-read-only apart.
  const readOnlyFlag = argv.includes('--no-read-only') ? false : parsed.flags.readOnly === true ? true : undefined;
  return {
    profile,
    intervalSeconds: numberFlag('interval', str(parsed.flags.interval), profile?.intervalSeconds ?? 2, 0.5, 60),
    readOnly: resolveReadOnly(readOnlyFlag, profile),
    bouncerTarget: str(parsed.flags.pgbouncer) ?? profile?.pgbouncer ?? (env.PGTOP_PGBOUNCER || undefined),
    migrationsDir: str(parsed.flags.migrationsDir) ?? profile?.migrationsDir ?? 'migrations',
    backupDir: str(parsed.flags.backupDir) ?? profile?.backupDir ?? 'backups',
    theme: (themeFlag as ThemeName | undefined) ?? profile?.theme ?? config.theme ?? 'dark',
  };
}
