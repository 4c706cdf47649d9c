import type pg from 'pg';
import type { ConnectionSettings } from '../../config/types.js';
import { describeTarget } from '../../config/resolve.js';
import { closeQuietly, connect } from '../../db/connect.js';
import { Backoff } from '../../db/backoff.js';
import { toConnectionError } from '../../db/errors.js';
import { diagnoseStatements, type StatementsEnvironment } from './diagnosis.js';
import { entryKey, mergeEntries, parseEntry, parseNumber, parseTimestamp } from './parse.js';
import { ENVIRONMENT_SQL, PROBE_SQL, statementsSql, type StatementsSql } from './sql.js';
import type { StatementSettings, StatementsDiagnosis, StatementsOutcome, StatementsSnapshot } from './types.js';
import { TextCache } from './text-cache.js';

type RawRow = Record<string, unknown>;

interface Prepared {
  sql: StatementsSql | null;
  version: string;
  diagnosis: StatementsDiagnosis | null;
  settings: StatementSettings;
}

/**
 * pg_stat_statements on its own connection (a slow fetch never delays the activity tick): entries without
 * their texts on every call of tick(), texts only for the keys asked for, cached.
 */
export class StatementsSource {
  private client: pg.Client | undefined;
  private prepared: Prepared | undefined;
  private busy = false;
  /** Bumped by close(): a connection that completes after it is closed at once instead of kept. */
  private generation = 0;
  private readonly backoff = new Backoff(1000, 30_000);
  private readonly texts = new TextCache(2000);

  constructor(
    readonly settings: ConnectionSettings,
    private readonly statementTimeoutMs = 10_000,
  ) {}

  get target(): string {
    return describeTarget(this.settings);
  }

  async tick(): Promise<StatementsOutcome> {
    if (this.busy) return { kind: 'skipped' };
    this.busy = true;
    try {
      const wait = this.backoff.remainingMs();
      if (!this.client && wait > 0) return { kind: 'error', message: 'waiting to reconnect', retryInMs: wait };
      const { client, prepared } = await this.ready();
      if (!prepared.sql) return { kind: 'unavailable', diagnosis: prepared.diagnosis! };
      const data = await this.fetch(client, prepared.sql, prepared);
      this.backoff.reset();
      return { kind: 'data', data, diagnosis: prepared.diagnosis };
    } catch (error) {
      return this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  /** The texts of the given entries (keys as in StatementEntry.key): cached ones without a round trip. */
  async textsOf(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing = new Set<string>();
    for (const key of keys) {
      const cached = this.texts.get(key);
      if (cached !== undefined) found.set(key, cached);
      else missing.add(key);
    }
    const sql = this.prepared?.sql;
    if (missing.size === 0) return found;
    // Not "no text": the caller remembers keys left out of the answer as evicted.
    if (!sql || !this.client) throw new Error('pg_stat_statements is not connected: the texts are asked for again later');
    const queryIds = [...new Set([...missing].map((key) => key.split('/')[0]))];
    const result = await this.client.query<RawRow>(sql.texts, [queryIds]);
    for (const row of result.rows) {
      const key = entryKey(String(row.queryid), parseNumber(row.dbid) ?? 0, parseNumber(row.userid) ?? 0);
      if (!missing.has(key) || typeof row.query !== 'string') continue;
      this.texts.set(key, row.query);
      found.set(key, row.query);
    }
    return found;
  }

  /** Forget what was learnt about the extension (after it was installed, or the role granted). */
  reprobe(): void {
    this.prepared = undefined;
  }

  async close(): Promise<void> {
    this.generation++;
    const client = this.client;
    this.client = undefined;
    this.prepared = undefined;
    await closeQuietly(client);
  }

  private async ready(): Promise<{ client: pg.Client; prepared: Prepared }> {
    if (!this.client) {
      const generation = this.generation;
      const client = await connect(this.settings, { applicationName: 'pgtop-statements', statementTimeoutMs: this.statementTimeoutMs });
      if (generation !== this.generation) {
        await closeQuietly(client);
        throw new Error('the statements source was closed while it connected');
      }
      this.client = client;
    }
    if (!this.prepared) this.prepared = await this.probe(this.client);
    return { client: this.client, prepared: this.prepared };
  }

  private async probe(client: pg.Client): Promise<Prepared> {
    const envRow = (await client.query<RawRow>(ENVIRONMENT_SQL)).rows[0] ?? {};
    const env: StatementsEnvironment = {
      database: String(envRow.database),
      role: String(envRow.role),
      superuser: envRow.superuser === true,
      readAllStats: envRow.read_all_stats === true,
      preloaded: envRow.preloaded === true,
      preloadLibraries: typeof envRow.preload_libraries === 'string' ? envRow.preload_libraries : null,
    };
    const settings: StatementSettings = {
      max: parseNumber(envRow.max),
      track: typeof envRow.track === 'string' ? envRow.track : null,
      trackPlanning: typeof envRow.track_planning === 'string' ? envRow.track_planning === 'on' : null,
      computeQueryId: typeof envRow.compute_query_id === 'string' ? envRow.compute_query_id : null,
      trackActivityQuerySize: parseNumber(envRow.track_activity_query_size),
    };
    const extension = (await client.query<RawRow>(PROBE_SQL)).rows[0];
    const diagnosis = diagnoseStatements(env, extension !== undefined);
    const usable = extension !== undefined && env.preloaded && Array.isArray(extension.columns);
    return {
      sql: usable ? statementsSql(String(extension.schema), extension.columns as string[], extension.has_info === true) : null,
      version: usable ? String(extension.version) : '',
      diagnosis,
      settings,
    };
  }

  private async fetch(client: pg.Client, sql: StatementsSql, prepared: Prepared): Promise<StatementsSnapshot> {
    const results = (await client.query(`${sql.info};\n${sql.entries}`)) as unknown as pg.QueryResult<RawRow>[];
    const [info, entries] = results;
    const infoRow = info?.rows[0] ?? {};
    return {
      takenAt: parseTimestamp(infoRow.now) ?? new Date().toISOString(),
      statsReset: parseTimestamp(infoRow.stats_reset),
      dealloc: parseNumber(infoRow.dealloc),
      settings: typeof infoRow.compute_query_id === 'string' ? { ...prepared.settings, computeQueryId: infoRow.compute_query_id } : prepared.settings,
      extensionVersion: prepared.version,
      entries: mergeEntries((entries?.rows ?? []).map(parseEntry)),
    };
  }

  private fail(error: unknown): StatementsOutcome {
    const connectionError = toConnectionError(error, this.target, this.settings.user);
    if (connectionError.kind !== 'timeout') {
      const broken = this.client;
      this.client = undefined;
      this.prepared = undefined;
      void closeQuietly(broken);
      this.backoff.failed();
    }
    return { kind: 'error', message: connectionError.message, retryInMs: this.backoff.remainingMs() };
  }
}
