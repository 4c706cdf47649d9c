/**
 * A synthetic cluster of sessions that changes tick by tick, producing rows shaped exactly like the
 * monitoring query's (Dates for timestamps, numbers for float8/int, strings for bigint::text), so the
 * product's own parsers turn them into snapshots.
 */

export type Row = Record<string, unknown>;

/** A small deterministic PRNG (mulberry32): the same seed gives the same cluster. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATABASES = ['app', 'app', 'app', 'analytics', 'postgres', 'orders_db', 'データ'];
const USERS = ['app', 'app', 'api', 'reporting', 'etl', 'admin', '利用者'];
const APPS = ['api-7f9c', 'api-2b1d', 'worker', 'psql', 'metabase', 'pgbench', '', 'サービス', '🚀deploy', 'sidekiq'];
const TABLES = ['orders', 'customers', 'line_items', 'accounts', 'events', 'sessions', '注文', 'invoices'];
const WAITS: [string, string][] = [
  ['IO', 'DataFileRead'],
  ['Client', 'ClientRead'],
  ['LWLock', 'WALWrite'],
  ['IPC', 'BufferIO'],
];
const LOCK_WAITS = ['transactionid', 'tuple', 'relation'];
const BACKGROUND = ['autovacuum launcher', 'logical replication launcher', 'background writer', 'checkpointer', 'walwriter'];
const HIDDEN_QUERY = '<insufficient privilege>';
/** What the server keeps of a query text with track_activity_query_size = 4096. */
const MAX_QUERY = 4095;

export interface SimSession {
  pid: number;
  datname: string | null;
  usename: string | null;
  app: string;
  addr: string | null;
  port: number | null;
  backendType: string;
  state: string | null;
  waitType: string | null;
  wait: string | null;
  backendStart: number;
  xactStart: number | null;
  queryStart: number | null;
  stateChange: number | null;
  query: string;
  /** The whole text's length on the server (the monitor's tick fetches its first characters and this). */
  queryLength: number;
  queryId: string | null;
  blockedBy: number[];
  hidden: boolean;
  /** The texts its times last went out as, by time: a time that did not change goes out as the same text. */
  sent?: Map<number, string>;
}

export interface ClusterOptions {
  sessions: number;
  seed?: number;
  /** The cluster's clock at the start (ms since the epoch). */
  start?: number;
  /**
   * Every client session's query text this long on the server (track_activity_query_size raised), of
   * which rows carry what the monitor's tick fetches: the first `previewChars` characters and the length.
   */
  queryChars?: number;
  previewChars?: number;
}

export class SyntheticCluster {
  readonly sessions: SimSession[] = [];
  now: number;
  private readonly random: () => number;
  private nextPid = 1000;
  private xacts = 1_000_000;
  private hits = 50_000_000;
  private reads = 100_000;
  private readonly startedAt: number;
  private readonly longText: { chars: number; preview: number } | undefined;

  constructor(options: ClusterOptions) {
    this.random = prng(options.seed ?? 42);
    this.longText = options.queryChars ? { chars: options.queryChars, preview: options.previewChars ?? MAX_QUERY + 1 } : undefined;
    this.now = options.start ?? Date.UTC(2025, 0, 15, 12, 0, 0);
    this.startedAt = this.now - 9 * 86_400_000;
    for (const type of BACKGROUND) this.sessions.push(this.background(type));
    while (this.sessions.length < options.sessions) this.sessions.push(this.client());
    this.relock();
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private background(type: string): SimSession {
    return {
      pid: this.nextPid++,
      datname: null,
      usename: type === 'logical replication launcher' ? 'postgres' : null,
      app: '',
      addr: null,
      port: null,
      backendType: type,
      state: null,
      waitType: 'Activity',
      wait: type.replace(/ /g, '').slice(0, 20),
      backendStart: this.startedAt,
      xactStart: null,
      queryStart: null,
      stateChange: null,
      query: '',
      queryLength: 0,
      queryId: null,
      blockedBy: [],
      hidden: false,
    };
  }

  private client(): SimSession {
    const r = this.random();
    const session: SimSession = {
      pid: this.nextPid++,
      datname: this.pick(DATABASES),
      usename: this.pick(USERS),
      app: this.pick(APPS),
      addr: r < 0.15 ? null : `10.${Math.floor(this.random() * 4)}.${Math.floor(this.random() * 250)}.${Math.floor(this.random() * 250)}`,
      port: r < 0.15 ? -1 : 30_000 + Math.floor(this.random() * 30_000),
      backendType: 'client backend',
      state: 'idle',
      waitType: 'Client',
      wait: 'ClientRead',
      backendStart: this.now - Math.floor(this.random() * 3_600_000),
      xactStart: null,
      queryStart: null,
      stateChange: null,
      query: '',
      queryLength: 0,
      queryId: null,
      blockedBy: [],
      hidden: this.random() < 0.01,
    };
    this.setState(session, this.initialState());
    return session;
  }

  private initialState(): string {
    const r = this.random();
    if (r < 0.6) return 'idle';
    if (r < 0.82) return 'active';
    if (r < 0.95) return 'idle in transaction';
    if (r < 0.97) return 'idle in transaction (aborted)';
    return r < 0.985 ? 'fastpath function call' : 'disabled';
  }

  /** A query text of a realistic length: short statements, typical ORM queries, and long reports. */
  queryText(): string {
    const table = this.pick(TABLES);
    const tag = Math.floor(this.random() * 1e9).toString(36);
    const r = this.random();
    let text: string;
    if (r < 0.15) text = this.pick(['SELECT 1', 'COMMIT', 'BEGIN', 'SHOW search_path', 'ROLLBACK', 'DISCARD ALL']);
    else if (r < 0.55) text = `SELECT id, status, total FROM ${table} WHERE customer_id = $1 AND status <> 'void' ORDER BY created_at DESC LIMIT 50 /* req ${tag} */`;
    else if (r < 0.7) text = `UPDATE ${table} SET updated_at = now(), version = version + 1 WHERE id = $1 /* ${tag} */`;
    else if (r < 0.78) text = `SELECT * FROM ${table} WHERE 顧客名 = $1 /* 東京リージョン 集計 ${tag} */`;
    else if (r < 0.84) text = `INSERT INTO events (kind, payload) VALUES ('deploy 🚀', '{"ok":true}') /* 🔥 hot path ${tag} */`;
    else if (r < 0.86) text = `/* \x1b[31mred\x1b[0m */ SELECT pg_sleep(1) -- ${tag}`;
    else {
      const parts: string[] = [`WITH recent AS (\n\tSELECT o.id, o.customer_id, sum(li.amount) AS total\n\t  FROM ${table} o\n\t  JOIN line_items li ON li.order_id = o.id`];
      const target = 600 + Math.floor(this.random() * 3500);
      let n = 0;
      let length = parts[0]?.length ?? 0;
      while (length < target && n < 200) {
        const part = `\t WHERE o.region_${n++} IN (SELECT region FROM regions WHERE name LIKE 'r${tag}%')`;
        parts.push(part);
        length += part.length + 1;
      }
      parts.push(')\nSELECT customer_id, count(*), sum(total) FROM recent GROUP BY 1 ORDER BY 3 DESC');
      text = parts.join('\n');
    }
    if (this.longText) return this.padded(text, this.longText.preview);
    return text.length > MAX_QUERY ? text.slice(0, MAX_QUERY) : text;
  }

  /** The first `chars` characters of a long text that starts with `text`: distinct per session, as real ones are. */
  private padded(text: string, chars: number): string {
    const tag = Math.floor(this.random() * 1e9).toString(36);
    let out = `${text} /* ${tag}`;
    while (out.length < chars) out += ` ${tag} 注文 ${out.length}`;
    return out.slice(0, chars);
  }

  private setQuery(s: SimSession): void {
    s.query = this.queryText();
    s.queryLength = this.longText ? this.longText.chars : s.query.length;
  }

  private setState(s: SimSession, state: string): void {
    const ago = (maxMs: number): number => this.now - Math.floor(this.random() * maxMs);
    s.state = state;
    s.blockedBy = [];
    s.stateChange = ago(1000);
    if (state === 'active') {
      this.setQuery(s);
      s.queryId = String(Math.floor(this.random() * 2 ** 52) - 2 ** 51);
      s.queryStart = ago(this.random() < 0.1 ? 600_000 : 3000);
      s.xactStart = s.queryStart - Math.floor(this.random() * 2000);
      const [waitType, wait] = this.random() < 0.3 ? this.pick(WAITS) : [null, null];
      s.waitType = waitType;
      s.wait = wait;
    } else {
      if (state.startsWith('idle in transaction')) s.xactStart ??= ago(120_000);
      else s.xactStart = null;
      s.queryStart = ago(60_000);
      if (s.query === '') this.setQuery(s);
      s.waitType = 'Client';
      s.wait = 'ClientRead';
    }
  }

  /** Some active sessions wait on a lock held by another session (chains included). */
  private relock(): void {
    const clients = this.sessions.filter((s) => s.backendType === 'client backend' && !s.hidden);
    const holders = clients.filter((s) => s.state === 'idle in transaction' || s.state === 'active');
    const waiters = clients.filter((s) => s.state === 'active');
    const count = Math.max(1, Math.floor(clients.length * 0.02));
    for (const s of waiters) {
      if (s.waitType === 'Lock') {
        s.waitType = null;
        s.wait = null;
        s.blockedBy = [];
      }
    }
    for (let i = 0; i < count && waiters.length > 0; i++) {
      const waiter = waiters[Math.floor(this.random() * waiters.length)] as SimSession;
      const blocker = this.random() < 0.3 && i > 0 ? (waiters[Math.floor(this.random() * waiters.length)] as SimSession) : this.pick(holders);
      if (!blocker || blocker === waiter) continue;
      waiter.waitType = 'Lock';
      waiter.wait = this.pick(LOCK_WAITS);
      waiter.blockedBy = this.random() < 0.1 ? [blocker.pid, this.pick(holders).pid].filter((p, j, a) => p !== waiter.pid && a.indexOf(p) === j) : [blocker.pid];
    }
  }

  /** Moves the clock on: some sessions change state, a few end and new ones connect, locks move. */
  advance(seconds = 1): void {
    this.now += seconds * 1000;
    this.xacts += Math.floor(this.random() * 500 * seconds);
    this.hits += Math.floor(this.random() * 100_000 * seconds);
    this.reads += Math.floor(this.random() * 1000 * seconds);
    for (let i = 0; i < this.sessions.length; i++) {
      const s = this.sessions[i] as SimSession;
      if (s.backendType !== 'client backend') continue;
      const r = this.random();
      if (r < 0.01) this.sessions[i] = this.client();
      else if (r < 0.11) this.setState(s, this.initialState());
    }
    this.relock();
  }

  /** The server's time as the activity statement's rows count their ages from (now_us). */
  get nowMicros(): number {
    return this.now * 1000;
  }

  /**
   * The sessions as the activity statement sends them: times as microseconds since the epoch, in text, from
   * which parseSession makes the timestamps and, with `nowMicros`, the ages.
   */
  rawSessions(): Row[] {
    // A time that did not change comes as the same text, as the source's known sessions put it back.
    const micros = (s: SimSession, ms: number | null): string | null => {
      if (ms === null) return null;
      const sent = s.sent?.get(ms);
      if (sent !== undefined) return sent;
      const text = `${ms}000`;
      if (!s.sent || s.sent.size >= 8) s.sent = new Map();
      s.sent.set(ms, text);
      return text;
    };
    return this.sessions.map((s) => {
      const hidden = s.hidden;
      return {
        pid: s.pid,
        datname: s.datname,
        usename: s.usename,
        application_name: hidden ? '' : s.app,
        client_addr: hidden ? null : s.addr,
        client_port: hidden ? null : s.port,
        backend_type: hidden ? null : s.backendType,
        state: hidden ? null : s.state,
        wait_event_type: hidden ? null : s.waitType,
        wait_event: hidden ? null : s.wait,
        backend_start_us: hidden ? null : micros(s, s.backendStart),
        xact_start_us: hidden ? null : micros(s, s.xactStart),
        query_start_us: hidden ? null : micros(s, s.queryStart),
        state_change_us: hidden ? null : micros(s, s.stateChange),
        query: hidden ? HIDDEN_QUERY : s.backendType === 'client backend' ? s.query : '',
        query_length: hidden ? null : s.backendType === 'client backend' ? s.queryLength : 0,
        query_id: hidden ? null : s.queryId,
        leader_pid: null,
        blocked_by: s.waitType === 'Lock' ? [...s.blockedBy] : null,
      };
    });
  }

  rawServer(): Row {
    return {
      version: '15.14 (Debian 15.14-0+deb12u1)',
      version_num: 150014,
      in_recovery: false,
      started_at: new Date(this.startedAt),
      uptime: (this.now - this.startedAt) / 1000,
      max_connections: Math.ceil(this.sessions.length / 100) * 100 + 100,
      xacts: String(this.xacts),
      hit: String(this.hits),
      read: String(this.reads),
      now: new Date(this.now),
      current_user: 'postgres',
      sees_all: true,
    };
  }

  rawWaitingLocks(): Row[] {
    return this.sessions
      .filter((s) => s.waitType === 'Lock')
      .map((s) => ({
        pid: s.pid,
        locktype: s.wait,
        mode: s.wait === 'relation' ? 'AccessExclusiveLock' : 'ShareLock',
        relation: s.wait === 'transactionid' ? null : this.pick(TABLES),
        object: s.wait === 'transactionid' ? `xid ${700_000 + s.pid}` : null,
        wait_start: new Date(s.queryStart ?? this.now),
        wait_seconds: s.queryStart === null ? 0 : (this.now - s.queryStart) / 1000,
      }));
  }
}
