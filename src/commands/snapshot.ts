import { connectionHelp, numberFlag } from '../cli/flags.js';
import { connectionFrom, expectNoExtraInput, parseCommand } from '../cli/parse.js';
import { UsageError } from '../errors.js';
import { PostgresSource } from '../sources/postgres.js';
import type { PgSnapshot } from '../sources/types.js';
import { buildSnapshotDocument, type SnapshotDocument } from '../store/snapshot-document.js';
import { sanitize } from '../text/sanitize.js';
import { terminalSafeJson } from './snapshot-json.js';
import { formatSnapshotTable } from './snapshot-table.js';
import { resolveBouncerTarget } from '../config/bouncer-target.js';
import { createPgBouncerSource, type PgBouncerTick } from '../sources/pgbouncer.js';

/** PgBouncer's part of the document: its data, or the error that kept it from answering. */
function bouncerDocument(tick: PgBouncerTick): SnapshotDocument['pgbouncer'] {
  if (tick.status === 'ok') return { ok: true, ...tick.snapshot };
  if (tick.status === 'error') return { ok: false, error: tick.error };
  return { ok: false, error: { kind: 'skipped', message: 'the previous PgBouncer poll was still running' } };
}

export const snapshotHelp = `Usage: pgtop snapshot [options] [CONNINFO | URI]

Prints the data the monitor shows, once or every SECS seconds: every session of pg_stat_activity
(idle ones included, pgtop's own left out), the server's figures, and who blocks whom.

Options:
  --json                  one JSON document
  --ndjson                one JSON document per line (with --watch, one line per tick)
  --watch SECS            repeat every SECS seconds (0.5 to 3600) until interrupted
  --pgbouncer URI         include PgBouncer's pools (admin console; or PGTOP_PGBOUNCER)
${connectionHelp}

Rates (tps, cache hit ratio) need two ticks: they are null in a single snapshot.`;

export const snapshotFlags = {
  json: { type: 'boolean' },
  ndjson: { type: 'boolean' },
  watch: { type: 'string' },
  pgbouncer: { type: 'string' },
} as const;

export async function runSnapshot(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    command: 'pgtop snapshot',
    help: snapshotHelp,
    flags: snapshotFlags,
  });
  expectNoExtraInput(parsed, 1, 'pgtop snapshot');
  const json = parsed.flags.json === true;
  const ndjson = parsed.flags.ndjson === true;
  if (json && ndjson) throw new UsageError('choose one of --json and --ndjson. Try: pgtop snapshot --help');
  const watch = parsed.flags.watch === undefined ? undefined : numberFlag('watch', parsed.flags.watch as string, 2, 0.5, 3600, false, 'pgtop snapshot');
  if (watch !== undefined && json) throw new UsageError('--watch prints one document per tick: use --ndjson with it. Try: pgtop snapshot --help');

  const { settings, warnings } = connectionFrom(parsed, process.env);
  for (const warning of warnings) process.stderr.write(`pgtop: ${warning}\n`);
  const source = new PostgresSource(settings, { interactive: true });
  const bouncerTarget = (parsed.flags.pgbouncer as string | undefined) ?? process.env.PGTOP_PGBOUNCER;
  const bouncer = bouncerTarget ? createPgBouncerSource(resolveBouncerTarget(bouncerTarget, process.env)) : undefined;
  await source.open();

  const print = (doc: SnapshotDocument): void => {
    if (json) process.stdout.write(`${terminalSafeJson(doc, 2)}\n`);
    else if (ndjson) process.stdout.write(`${terminalSafeJson(doc)}\n`);
    else process.stdout.write(`${formatSnapshotTable(doc, process.stdout.isTTY ? (process.stdout.columns ?? 120) : Number.POSITIVE_INFINITY)}\n`);
  };

  let previous: PgSnapshot | undefined;
  let stopping = false;
  const takeOne = async (): Promise<boolean> => {
    const [outcome, bouncerTick] = await Promise.all([source.tick(), bouncer?.tick()]);
    if (outcome.kind === 'data') {
      const doc = buildSnapshotDocument(outcome.data, previous, source.target);
      if (bouncerTick) doc.pgbouncer = bouncerDocument(bouncerTick);
      print(doc);
      previous = outcome.data;
      return true;
    }
    if (outcome.kind === 'error') {
      if (watch === undefined) throw outcome.error;
      // Interrupted mid-tick: closing the connection failed the query, which is no news.
      if (!stopping) process.stderr.write(`pgtop: ${sanitize(outcome.error.message)} (retrying)\n`);
    }
    return false;
  };

  if (watch === undefined) {
    try {
      await takeOne();
      return 0;
    } finally {
      await Promise.all([source.close(), bouncer?.close()]);
    }
  }

  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      void Promise.all([source.close(), bouncer?.close()]).then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const loop = async (): Promise<void> => {
      const started = Date.now();
      await takeOne();
      if (stopping) return;
      timer = setTimeout(() => void loop(), Math.max(0, watch * 1000 - (Date.now() - started)));
    };
    void loop();
  });
}
