import type pg from 'pg';
import { BACKUP_APPLICATION_NAME } from '../dump/dump-env.js';
import { sizeOnDisk } from '../files/disk-size.js';
import type { CopySample, ProgressTracker } from './progress.js';

/** pg_dump's COPY commands in this database, seen from a connection of the same role. */
export async function readCopyProgress(client: pg.Client): Promise<CopySample[]> {
  const result = await client.query<{ schema: string | null; table: string | null; rows: string; bytes: string }>(
    `SELECT n.nspname AS schema, c.relname AS table, p.tuples_processed AS rows, p.bytes_processed AS bytes
       FROM pg_stat_progress_copy p
       JOIN pg_stat_activity a ON a.pid = p.pid
       LEFT JOIN pg_class c ON c.oid = p.relid
       LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.application_name = $1 AND p.datname = current_database() AND p.pid <> pg_backend_pid()`,
    [BACKUP_APPLICATION_NAME],
  );
  return result.rows
    .filter((row) => row.schema !== null && row.table !== null)
    .map((row) => ({ table: `${row.schema}.${row.table}`, rows: Number(row.rows), bytes: Number(row.bytes) }));
}

export interface ProgressSampler {
  stop(): Promise<void>;
}

/**
 * Every `intervalMs`: the size of the partial file or directory, and (PostgreSQL 14+) the rows and bytes
 * of the tables being copied. Samples never overlap; a failed sample is skipped, never fatal.
 */
export function startProgressSampling(options: {
  client: pg.Client;
  path: string;
  tracker: ProgressTracker;
  intervalMs: number;
  copyProgress: boolean;
}): ProgressSampler {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const sampleOnce = async (): Promise<void> => {
    const bytesWritten = await sizeOnDisk(options.path);
    let copies: CopySample[] = [];
    if (options.copyProgress) copies = await readCopyProgress(options.client).catch(() => []);
    if (!stopped) options.tracker.sample({ bytesWritten, copies });
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      current = sampleOnce().finally(() => {
        if (!stopped) schedule();
      });
    }, options.intervalMs);
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current.catch(() => undefined);
    },
  };
}
