import { connectionHelp, numberFlag } from '../../cli/flags.js';
import { connectionFrom, parseCommand, profileSetup } from '../../cli/parse.js';
import { UsageError, errorMessage } from '../../errors.js';
import { resolveBouncerTarget } from '../../config/bouncer-target.js';
import { describeTarget } from '../../config/resolve.js';
import { PostgresSource, monitorTimeoutMs } from '../../sources/postgres.js';
import { createPgBouncerSource } from '../../sources/pgbouncer.js';
import { StatementsSource } from '../../sources/statements/source.js';
import { HealthSource } from '../../health/source.js';
import { defaultThresholds } from '../../config/health-thresholds.js';
import { monitorClock } from '../../actions/monitor-clock.js';
import { RECORDED_TYPES } from '../../actions/timeline-player.js';
import { initialState } from '../../store/state.js';
import { Store } from '../../store/store.js';
import type { RecordedEvent } from '../../record/format.js';
import { RecordingWriter } from '../../record/writer.js';
import { pgtopVersion } from '../../config/pgtop-version.js';
import { durationFlag, parseSize } from './record-options.js';
import { sanitizeOneLine } from '../../text/sanitize.js';

export const recordHelp = `Usage: pgtop record FILE [options] [CONNINFO | URI]

Records what the monitor shows, headless, until stopped (SIGTERM or Ctrl-C; for systemd, a container or
cron): the sessions and locks every interval; replication, vacuum, pg_stat_statements and the health
findings at their own cadence; with --pgbouncer the pools; the texts of the busiest statements (50 by
time, 20 by calls), once a chunk. Only what changed between two ticks is stored, compressed, in chunks
synced to disk: a crash loses at most the last chunk. pgtop replay FILE shows it; pgtop replay FILE
--at 03:12 --json prints the snapshot of that time.

A FILE already there is renamed FILE.<time> first (as a full FILE is, at --max-size); rotated files older
than --keep are deleted. Nothing is recorded that the role cannot see: sessions of other roles stay
without their query and details unless the role has pg_read_all_stats.

Options:
  --interval SECS   poll every SECS seconds (0.5 to 60, default 2)
  --pgbouncer URI   also PgBouncer's pools (admin console; or PGTOP_PGBOUNCER)
  --chunk SECS      write and sync a chunk every SECS seconds (1 to 600, default 30): what a crash
                    may lose
  --max-size SIZE   rotate FILE when it reaches SIZE (default 100M)
  --keep DURATION   delete rotated files older than DURATION (default 7d; e.g. 12h, 30d)
${connectionHelp}

Exit status: 0 stopped by a signal; 2 bad usage or no connection at start; 1 the recording failed (a
full disk: what was written up to then stays readable). A lost connection is retried, not fatal.`;

export const recordFlags = {
  interval: { type: 'string' },
  pgbouncer: { type: 'string' },
  chunk: { type: 'string' },
  maxSize: { type: 'string' },
  keep: { type: 'string' },
} as const;

const COMMAND = 'pgtop record';

export async function runRecord(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { command: COMMAND, help: recordHelp, flags: recordFlags });
  const [file, conninfo, extra] = parsed.input;
  if (file === undefined) throw new UsageError(`name the file to record to: pgtop record FILE. Try: ${COMMAND} --help`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}". Try: ${COMMAND} --help`);
  const intervalSeconds = numberFlag('interval', parsed.flags.interval as string | undefined, 2, 0.5, 60, false, COMMAND);
  const chunkSeconds = numberFlag('chunk', parsed.flags.chunk as string | undefined, 30, 1, 600, false, COMMAND);
  const maxBytes = parseSize('--max-size', (parsed.flags.maxSize as string | undefined) ?? '100M', COMMAND);
  const keepMs = durationFlag('--keep', (parsed.flags.keep as string | undefined) ?? '7d', 60_000, COMMAND);
  const { settings, warnings } = connectionFrom({ ...parsed, input: conninfo === undefined ? [] : [conninfo] }, process.env);
  for (const warning of warnings) process.stderr.write(`pgtop: ${warning}\n`);
  const bouncerUri = (parsed.flags.pgbouncer as string | undefined) ?? profileSetup(parsed, process.env).profile?.pgbouncer ?? process.env.PGTOP_PGBOUNCER;
  const bouncerSettings = bouncerUri ? resolveBouncerTarget(bouncerUri, process.env) : undefined;
  const source = new PostgresSource(settings, { statementTimeoutMs: monitorTimeoutMs(intervalSeconds) });
  await source.open();
  const bouncerTarget = bouncerSettings ? `pgbouncer ${describeTarget(bouncerSettings)}` : undefined;
  const writer = new RecordingWriter({
    path: file,
    header: { pgtop: pgtopVersion(), createdAt: '', target: source.target, intervalSeconds, ...(bouncerTarget ? { bouncerTarget } : {}) },
    chunkMs: chunkSeconds * 1000,
    maxBytes,
    keepMs,
  });
  return recordUntilStopped({ file, source, settings, bouncerSettings, bouncerTarget, writer, intervalSeconds });
}

interface RecordRun {
  file: string;
  source: PostgresSource;
  settings: PostgresSource['settings'];
  bouncerSettings: PostgresSource['settings'] | undefined;
  bouncerTarget: string | undefined;
  writer: RecordingWriter;
  intervalSeconds: number;
}

/** Polls as the monitor does, appending every source's data to the recording, until a signal or a failed write. */
function recordUntilStopped(run: RecordRun): Promise<number> {
  const { source, writer } = run;
  const now = Date.now;
  const store = new Store(initialState({ intervalSeconds: run.intervalSeconds, readOnly: true, columns: 200, rows: 50, target: source.target, bouncerTarget: run.bouncerTarget }));
  const bouncer = run.bouncerSettings ? createPgBouncerSource(run.bouncerSettings) : undefined;
  const statements = new StatementsSource(run.settings);
  const health = new HealthSource({ settings: run.settings, thresholds: defaultThresholds() });
  const monitor = monitorClock(store, { source, bouncer, health, statements, recordChunk: () => writer.chunk }, now);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (code: number, message?: string): void => {
      if (stopping) return;
      stopping = true;
      monitor.clock.stop();
      monitor.unsubscribe();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
      try {
        writer.close();
      } catch (error) {
        message ??= errorMessage(error);
        code = 1;
      }
      if (message) process.stderr.write(`pgtop: ${message}\n`);
      void Promise.all([source.close(), bouncer?.close(), statements.close(), health.close()])
        .catch(() => undefined)
        .then(() => resolve(code));
    };
    const onSignal = (): void => stop(0);
    store.setTap((event) => {
      if (!RECORDED_TYPES.has(event.type) || stopping) return 'pass';
      try {
        writer.append({ ...event, at: 'at' in event ? event.at : now() } as unknown as RecordedEvent);
      } catch (error) {
        stop(1, errorMessage(error));
      }
      return 'pass';
    });
    store.subscribe((state, previous) => {
      if (state.pg.error && !previous.pg.error) process.stderr.write(`pgtop: ${sanitizeOneLine(state.pg.error.message)} (retrying; the recording goes on when it is back)\n`);
      if (!state.pg.error && previous.pg.error) process.stderr.write('pgtop: connected again\n');
    });
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    process.stderr.write(`pgtop: recording ${source.target} to ${run.file} every ${run.intervalSeconds}s (SIGTERM or Ctrl-C stops)\n`);
    monitor.clock.start();
  });
}
