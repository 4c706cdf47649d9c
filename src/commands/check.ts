import { existsSync } from 'node:fs';
import { connectionHelp, numberFlag } from '../cli/flags.js';
import { connectionFrom, expectNoExtraInput, parseCommand, profileSetup } from '../cli/parse.js';
import { resolveBouncerTarget } from '../config/bouncer-target.js';
import type { Profile } from '../config/config-file.js';
import { profileBouncer } from '../config/profile.js';
import { alembicProjectFor } from '../cli/top-options.js';
import { UsageError, errorMessage } from '../errors.js';
import { CHECK_IDS, evaluate } from '../health/checks.js';
import { readHealthInput } from '../health/read.js';
import { formatCheckReport, selectFindings } from '../health/report.js';
import { THRESHOLD_NAMES, applyThresholdOverrides, defaultThresholds, describeThresholds } from '../config/health-thresholds.js';
import { exitCodeFor, worstSeverity } from '../health/types.js';
import { sanitizeOneLine } from '../text/sanitize.js';
import { terminalSafeJson } from './snapshot/snapshot-json.js';

export const checkHelp = `Usage: pgtop check [options] [CONNINFO | URI]

Runs the health checks once and exits with the monitoring-plugin convention, for cron, Nagios or Icinga:
0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (cannot connect, cannot read, bad option). The first line sums up;
then one line per problem. Nothing is changed.

Options:
  --json                  every finding (id, severity, summary, evidence, why, action, threshold)
  --verbose               every finding, with its evidence and what to do
  --only ID,...           only these checks (a prefix selects a group: --only vacuum)
  --skip ID,...           leave these checks out
  --threshold NAME=VALUE  change a threshold (repeatable), e.g. --threshold idle_in_transaction_warning=2min
  --pgbouncer URI         also check PgBouncer (admin console; or the profile's, or PGTOP_PGBOUNCER)
  --migrations-dir DIR    also check the migrations in DIR (default the profile's, or ./migrations when it
                          exists)
  --alembic PATH          check this Alembic project instead (default: an alembic.ini in or above the
                          migrations directory)
  --backup-dir DIR        also check the dumps in DIR (default the profile's, or ./backups when it exists)
  --deadline SECS         how long each read may take before its checks are UNKNOWN (default 10)
${connectionHelp}

Checks: ${CHECK_IDS.join(', ')}.
Thresholds: ${THRESHOLD_NAMES.join(', ')}.`;

export const checkFlags = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  only: { type: 'string', isMultiple: true },
  skip: { type: 'string', isMultiple: true },
  threshold: { type: 'string', isMultiple: true },
  pgbouncer: { type: 'string' },
  migrationsDir: { type: 'string' },
  alembic: { type: 'string' },
  backupDir: { type: 'string' },
  deadline: { type: 'string' },
} as const;

const list = (raw: unknown): string[] => (Array.isArray(raw) ? raw : [])
  .flatMap((value: unknown) => String(value).split(','))
  .map((name) => name.trim())
  .filter(Boolean);

/** Where the command writes and what it reads its environment from; a test runs it in-process with others. */
export interface CheckIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

function checkIdsKnown(names: readonly string[], flag: string): void {
  for (const name of names) {
    if (!CHECK_IDS.some((id) => id === name || id.startsWith(`${name}.`))) {
      throw new UsageError(`--${flag}: unknown check "${sanitizeOneLine(name)}"; known: ${CHECK_IDS.join(', ')}`);
    }
  }
}

/** An explicit directory must exist; the profile's or the default one is used only when it does. */
function directory(explicit: unknown, fallback: string, flag: string): string | undefined {
  if (typeof explicit === 'string') {
    if (!existsSync(explicit)) throw new UsageError(`--${flag} ${sanitizeOneLine(explicit)}: no such directory`);
    return explicit;
  }
  return existsSync(fallback) ? fallback : undefined;
}

/** The directories and the Alembic project to check: flags, then the profile, then the defaults. */
function directories(flags: Record<string, unknown>, profile: Profile | undefined): { migrationsDir?: string; alembic?: string; backupDir?: string } {
  const migrationsDir = directory(flags.migrationsDir, profile?.migrationsDir ?? 'migrations', 'migrations-dir');
  const alembic = alembicProjectFor(typeof flags.alembic === 'string' ? flags.alembic : undefined, migrationsDir ?? 'migrations');
  const backupDir = directory(flags.backupDir, profile?.backupDir ?? 'backups', 'backup-dir');
  return { ...(migrationsDir ? { migrationsDir } : {}), ...(alembic ? { alembic } : {}), ...(backupDir ? { backupDir } : {}) };
}

async function runChecks(argv: string[], io: CheckIo): Promise<number> {
  const parsed = parseCommand(argv, { command: 'pgtop check', help: checkHelp, flags: checkFlags });
  expectNoExtraInput(parsed, 1, 'pgtop check');
  const only = list(parsed.flags.only);
  const skip = list(parsed.flags.skip);
  checkIdsKnown(only, 'only');
  checkIdsKnown(skip, 'skip');
  const { profile } = profileSetup(parsed, io.env);
  let thresholds;
  try {
    const fromProfile = Object.entries(profile?.thresholds ?? {}).map(([name, value]) => `${name}=${value}`);
    thresholds = applyThresholdOverrides(applyThresholdOverrides(defaultThresholds(), fromProfile), (parsed.flags.threshold as string[] | undefined) ?? []);
  } catch (error) {
    throw new UsageError(`--threshold: ${errorMessage(error)}`);
  }
  const deadlineMs = numberFlag('deadline', parsed.flags.deadline as string | undefined, 10, 0.5, 600, false, 'pgtop check') * 1000;
  const { settings } = connectionFrom(parsed, io.env);
  const bouncerTarget = (parsed.flags.pgbouncer as string | undefined) ?? profileBouncer(profile) ?? (io.env.PGTOP_PGBOUNCER || undefined);
  const input = await readHealthInput({
    settings,
    ...(bouncerTarget ? { bouncer: resolveBouncerTarget(bouncerTarget, io.env) } : {}),
    ...directories(parsed.flags, profile),
    env: io.env,
    thresholds,
    deadlineMs,
  });
  const findings = selectFindings(evaluate(input), only, skip);
  const worst = worstSeverity(findings.map((f) => f.severity));
  if (parsed.flags.json === true) {
    io.stdout.write(`${terminalSafeJson({ status: worst, exit_code: exitCodeFor(worst), thresholds: describeThresholds(thresholds), findings }, 2)}\n`);
  } else {
    io.stdout.write(`${formatCheckReport(findings, { verbose: parsed.flags.verbose === true })}\n`);
  }
  return exitCodeFor(worst);
}

/**
 * `pgtop check`: every failure to run is UNKNOWN (exit 3) with one line on stdout, as monitoring plugins do —
 * never exit 2, which a plugin runner reads as CRITICAL.
 */
export async function runCheck(argv: string[], io: CheckIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  try {
    return await runChecks(argv, io);
  } catch (error) {
    const message = sanitizeOneLine(errorMessage(error));
    io.stdout.write(`pgtop check UNKNOWN: ${message}\n`);
    if (argv.includes('--debug') && error instanceof Error) io.stderr.write(`${error.stack ?? ''}\n`);
    return 3;
  }
}
