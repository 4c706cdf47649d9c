import { connectionHelp, numberFlag } from '../../cli/flags.js';
import { connectionFrom, expectNoExtraInput, parseCommand, profileSetup } from '../../cli/parse.js';
import { UsageError } from '../../errors.js';
import { PostgresSource } from '../../sources/postgres.js';
import type { PgSnapshot } from '../../sources/types.js';
import { buildSnapshotDocument, type SnapshotDocument } from '../../store/snapshot-document.js';
import { sanitize } from '../../text/sanitize.js';
import { terminalSafeJson } from './snapshot-json.js';
import { formatSnapshotTable } from './snapshot-table.js';
import { resolveBouncerTarget } from '../../config/bouncer-target.js';
import { createPgBouncerSource, type PgBouncerTick } from '../../sources/pgbouncer.js';
import { readReplication, walRate } from '../../sources/replication/read.js';
import { replicationSql } from '../../sources/replication/sql.js';
import type { ReplicationSnapshot } from '../../sources/replication/types.js';
import { readVacuum } from '../../sources/vacuum/read.js';
import { vacuumSql } from '../../sources/vacuum/sql.js';
import { alertThresholds, replicationAlerts } from '../../store/replication-alerts.js';
import { StatementsSampler } from './snapshot-statements.js';

/** PgBouncer's part of the document: its data, or the error that kept it from answering. */
function bouncerDocument(tick: PgBouncerTick): SnapshotDocument['pgbouncer'] {
  if (tick.status === 'ok') return { ok: true, ...tick.snapshot };
  if (tick.status === 'error') return { ok: false, error: tick.error };
  return { ok: false, error: { kind: 'skipped', message: 'the previous PgBouncer poll was still running' } };
}

export const snapshotHelp = `Usage: pgtop snapshot [options] [CONNINFO | URI]

Prints the data the monitor shows, once or every SECS seconds: every session of pg_stat_activity
(idle ones included, pgtop's own left out), the server's figures, and who blocks whom; with --json
and --ndjson also replication (standbys, slots, archiver, recovery), vacuum (progress, xmin horizon
holders, wraparound) and findings (what crosses a warning threshold).

Options:
  --json                  one JSON document
  --ndjson                one JSON document per line (with --watch, one line per tick)
  --watch SECS            repeat every SECS seconds (0.5 to 3600) until interrupted
  --pgbouncer URI         include PgBouncer's pools (admin console; or PGTOP_PGBOUNCER)
  --statements            include pg_stat_statements with rates (with --json or --ndjson); a single
                          snapshot samples it twice, one second apart
${connectionHelp}

Rates (tps, cache hit ratio) need two ticks: they are null in a single snapshot.`;

export const snapshotFlags = {
  json: { type: 'boolean' },
  ndjson: { type: 'boolean' },
  watch: { type: 'string' },
  pgbouncer: { type: 'string' },
  statements: { type: 'boolean' },
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

  const withStatements = parsed.flags.statements === true;
  if (withStatements && !json && !ndjson) throw new UsageError('--statements is part of the JSON document: add --json or --ndjson. Try: pgtop snapshot --help');
  const { settings, warnings } = connectionFrom(parsed, process.env);
  for (const warning of warnings) process.stderr.write(`pgtop: ${warning}\n`);
  const source = new PostgresSource(settings, { interactive: true, queryChars: null });
  const bouncerTarget = (parsed.flags.pgbouncer as string | undefined) ?? profileSetup(parsed, process.env).profile?.pgbouncer ?? process.env.PGTOP_PGBOUNCER;
  const bouncer = bouncerTarget ? createPgBouncerSource(resolveBouncerTarget(bouncerTarget, process.env)) : undefined;
  await source.open();
  const statements = withStatements ? new StatementsSampler(settings) : undefined;

  const print = (doc: SnapshotDocument): void => {
    if (json) process.stdout.write(`${terminalSafeJson(doc, 2)}\n`);
    else if (ndjson) process.stdout.write(`${terminalSafeJson(doc)}\n`);
    else process.stdout.write(`${formatSnapshotTable(doc, process.stdout.isTTY ? (process.stdout.columns ?? 120) : Number.POSITIVE_INFINITY)}\n`);
  };

  let previous: PgSnapshot | undefined;
  let previousReplication: ReplicationSnapshot | undefined;
  /** Replication and vacuum, read on the same connection after the activity tick. */
  const addMaintenance = async (doc: SnapshotDocument): Promise<void> => {
    const replication = await source.read((client, version) => readReplication(client, replicationSql(version)));
    const vacuum = await source.read((client, version) => readVacuum(client, vacuumSql(version)));
    if (replication.kind === 'data') {
      doc.replication = { ...replication.data, walBytesPerSecond: walRate(previousReplication, replication.data) };
      previousReplication = replication.data;
    } else if (replication.kind === 'error') doc.notes.push(`replication not read: ${replication.error.message}`);
    if (vacuum.kind === 'data') doc.vacuum = vacuum.data;
    else if (vacuum.kind === 'error') doc.notes.push(`vacuum not read: ${vacuum.error.message}`);
    doc.findings = replicationAlerts(doc.replication, doc.vacuum, alertThresholds());
  };
  let stopping = false;
  const takeOne = async (): Promise<boolean> => {
    const statementsSample = watch === undefined ? statements?.sampleOverInterval(1000) : statements?.sample();
    const [outcome, bouncerTick, statementsDoc] = await Promise.all([source.tick(), bouncer?.tick(), statementsSample]);
    if (outcome.kind === 'data') {
      const doc = buildSnapshotDocument(outcome.data, previous, source.target);
      await addMaintenance(doc);
      if (bouncerTick) doc.pgbouncer = bouncerDocument(bouncerTick);
      if (statementsDoc) doc.statements = statementsDoc;
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
      await Promise.all([source.close(), bouncer?.close(), statements?.close()]);
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
      void Promise.all([source.close(), bouncer?.close(), statements?.close()]).then(() => resolve(0));
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
