import { UsageError } from '../errors.js';

export interface FlagSpec {
  type: 'string' | 'boolean' | 'number';
  shortFlag?: string;
  isMultiple?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** The psql-style connection options every command takes. */
export const connectionFlags = {
  host: { type: 'string', shortFlag: 'h' },
  port: { type: 'string', shortFlag: 'p' },
  username: { type: 'string', shortFlag: 'U' },
  dbname: { type: 'string', shortFlag: 'd' },
  profile: { type: 'string' },
  // On unless turned off: completions and the man page offer it as --no-color.
  color: { type: 'boolean', default: true } as FlagSpec,
  debug: { type: 'boolean' },
} as const satisfies FlagSpecs;

export const connectionHelp = `Connection options (as psql; flags beat CONNINFO/URI, which beats its service, then PG* variables and ~/.pgpass):
  -h, --host HOST         server host or Unix-socket directory (PGHOST)
  -p, --port PORT         server port (PGPORT, default 5432)
  -U, --username USER     database user (PGUSER)
  -d, --dbname DB         database (PGDATABASE)
  CONNINFO | URI          "host=db1 dbname=app", postgres://user@db1:5432/app, or service=NAME
                          (~/.pg_service.conf or PGSERVICEFILE, then PGSYSCONFDIR/pg_service.conf; PGSERVICE)
  --profile NAME          a profile of the configuration file (or PGTOP_PROFILE; pgtop config path):
                          flags and the argument beat the profile, which beats the environment
  --no-color              no colours (also NO_COLOR)
  --debug                 show stack traces of errors`;

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * meow accepts or rejects unknown flags with a bare message; this gives the one-line error we want
 * (what is wrong, and where to look) before meow sees the arguments.
 */
export function checkKnownFlags(argv: string[], specs: FlagSpecs, command: string): void {
  const long = new Map<string, FlagSpec>();
  const short = new Map<string, FlagSpec>();
  for (const [name, spec] of Object.entries(specs)) {
    long.set(kebab(name), spec);
    if (spec.shortFlag) short.set(spec.shortFlag, spec);
  }
  long.set('help', { type: 'boolean' });
  long.set('version', { type: 'boolean' });
  const hint = `Try: ${command} --help`;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') break;
    if (token.startsWith('--')) {
      const [rawName = '', inlineValue] = token.slice(2).split(/=(.*)/s, 2);
      const name = rawName.startsWith('no-') && !long.has(rawName) ? rawName.slice(3) : rawName;
      const spec = long.get(name);
      if (!spec) throw new UsageError(`unknown option --${rawName}. ${hint}`);
      if (spec.type !== 'boolean' && inlineValue === undefined) {
        const next = argv[i + 1];
        if (next === undefined) throw new UsageError(`option --${name} needs a value. ${hint}`);
        i++;
      }
    } else if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
      const letter = token[1] ?? '';
      const spec = short.get(letter);
      if (!spec) throw new UsageError(`unknown option -${letter}. ${hint}`);
      if (spec.type !== 'boolean' && token.length === 2) {
        if (argv[i + 1] === undefined) throw new UsageError(`option -${letter} needs a value. ${hint}`);
        i++;
      }
    }
  }
}

/** Parses a number flag within bounds, or throws a UsageError naming the flag. */
export function numberFlag(name: string, raw: string | number | undefined, fallback: number, min: number, max: number, integer = false, command = 'pgtop'): number {
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, not "${raw}". Try: ${command} --help`);
  }
  return value;
}
