/**
 * The flight recorder's budgets: bytes per session-hour at a 1 s interval, the recorder's CPU per tick,
 * seeking in a one-hour recording, and the rewind buffer's memory, all at 1,000 sessions (synthetic
 * snapshots shaped like the activity query's: ~10% of sessions change state or query each tick, active
 * ones age). Run alone: `node --import tsx bench/recording.ts` (BENCH_SESSIONS, default 1000).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../src/record/format.js';
import { MemoryRecording } from '../src/record/memory.js';
import { openRecordingFile } from '../src/record/reader.js';
import { RecordingCursor } from '../src/record/cursor.js';
import { RecordingWriter } from '../src/record/writer.js';
import { seekEvents } from '../src/actions/timeline-player.js';
import type { Json } from '../src/record/delta.js';
import { mean, median, p95 } from './stats.js';
import { prng } from './synthetic.js';

const HEADER = { pgtop: 'bench', createdAt: '', target: 'bench', intervalSeconds: 1 };
const STATES = ['active', 'idle', 'idle in transaction'];
const QUERIES = Array.from({ length: 50 }, (_, i) => `SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1 AND c.region = ${i} ORDER BY o.created_at DESC LIMIT 50`);

/** A stream of activity ticks for `count` sessions, one a second from `start`. */
export function* activityTicks(count: number, ticks: number, start = Date.UTC(2026, 2, 12, 2, 0, 0)): Generator<RecordedEvent> {
  const random = prng(42);
  const sessions = Array.from({ length: count }, (_, i) => ({ pid: 10_000 + i, state: STATES[i % 3]!, query: QUERIES[i % QUERIES.length]!, since: start }));
  for (let tick = 0; tick < ticks; tick += 1) {
    const at = start + tick * 1000;
    for (const session of sessions) {
      if (random() < 0.1) {
        session.state = STATES[Math.floor(random() * 3)]!;
        session.query = QUERIES[Math.floor(random() * QUERIES.length)]!;
        session.since = at;
      }
    }
    const rows: Json[] = sessions.map((s) => ({
      pid: s.pid,
      database: 'app',
      user: 'api',
      application: 'api-server',
      client: '10.0.0.12',
      backendType: 'client backend',
      state: s.state,
      waitEventType: s.state === 'active' ? null : 'Client',
      waitEvent: s.state === 'active' ? null : 'ClientRead',
      backendStart: new Date(start - 3_600_000).toISOString(),
      backendStartUs: String((start - 3_600_000) * 1000),
      xactStart: s.state === 'idle' ? null : new Date(s.since).toISOString(),
      queryStart: new Date(s.since).toISOString(),
      queryStartUs: String(s.since * 1000 + 457),
      stateChange: new Date(s.since).toISOString(),
      xactAgeSeconds: s.state === 'idle' ? null : (at - s.since) / 1000,
      // As the sessions source computes it, for idle sessions too: the server's time less the query's start, in microseconds.
      queryAgeSeconds: (at * 1000 + 123 - (s.since * 1000 + 457)) / 1_000_000,
      query: s.query,
      queryLength: s.query.length,
      queryId: String(s.query.length * 7919),
      leaderPid: null,
      blockedBy: [],
      hidden: false,
    }));
    const server = { version: '16.4', versionNum: 160004, role: 'primary', startedAt: '2026-03-01T00:00:00Z', uptimeSeconds: 1_000_000 + tick, maxConnections: 2000, xactTotal: 5_000_000 + tick * 800, blocksHit: 9e9 + tick * 1e5, blocksRead: 1e7 + tick * 100, now: new Date(at).toISOString(), currentUser: 'pgtop', seesAllSessions: true };
    yield { type: 'pg-data', at, ownPid: 9999, snapshot: { takenAt: new Date(at).toISOString(), server, sessions: rows, waitingLocks: [], detail: null } };
  }
}

export interface RecordingFigures {
  sessions: number;
  bytesPerSessionHour: number;
  /** CPU of the recorder's encoding and writing, per tick (a chunk's cost spread over its ticks). */
  recordCpuMsPerTick: number;
  seekMs: { median: number; p95: number };
  rewindMiB10min: number;
}

function recordHour(path: string, sessions: number, ticks: number): number[] {
  const writer = new RecordingWriter({ path, header: HEADER, chunkMs: 30_000 });
  const cpu: number[] = [];
  for (const event of activityTicks(sessions, ticks)) {
    const before = process.cpuUsage();
    writer.append(event);
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  }
  writer.close();
  return cpu;
}

function seekTimes(path: string, seeks: number): number[] {
  const times: number[] = [];
  const random = prng(7);
  for (let i = 0; i < seeks; i += 1) {
    const started = performance.now();
    const cursor = new RecordingCursor(openRecordingFile(path));
    const at = (cursor.start ?? 0) + random() * ((cursor.end ?? 0) - (cursor.start ?? 0));
    // What the screen (and --json) reads for a time: two minutes of warm-up, the last two activity ticks.
    seekEvents(cursor, at, 1000);
    times.push(performance.now() - started);
  }
  return times;
}

function rewindMemory(sessions: number): number {
  const memory = new MemoryRecording({ ...HEADER, format: 1 }, 600_000);
  for (const event of activityTicks(sessions, 660)) memory.append(event);
  return memory.compressedBytes / 2 ** 20;
}

export function measureRecording(sessions: number, ticks = 3600): RecordingFigures {
  const dir = mkdtempSync(join(tmpdir(), 'pgtop-bench-rec-'));
  try {
    const path = join(dir, 'rec');
    const cpu = recordHour(path, sessions, ticks);
    const bytes = statSync(path).size;
    const seeks = seekTimes(path, 20);
    return {
      sessions,
      bytesPerSessionHour: Math.round((bytes / sessions) * (3600 / ticks)),
      recordCpuMsPerTick: mean(cpu),
      seekMs: { median: median(seeks), p95: p95(seeks) },
      rewindMiB10min: rewindMemory(sessions),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sessions = Number(process.env.BENCH_SESSIONS ?? 1000);
  const figures = measureRecording(sessions);
  const round = (n: number): string => n.toFixed(2);
  console.log(`recording at ${sessions} sessions, 1 s interval, one hour (synthetic activity, 10% of sessions change a tick):`);
  console.log(`  bytes per session-hour          ${figures.bytesPerSessionHour} (${round((figures.bytesPerSessionHour * sessions) / 2 ** 20)} MiB an hour)`);
  console.log(`  recorder CPU per tick           ${round(figures.recordCpuMsPerTick)} ms (${round(figures.recordCpuMsPerTick / 10)} % of a core at 1 s)`);
  console.log(`  seek (open, index, 2 min read)  median ${round(figures.seekMs.median)} ms, p95 ${round(figures.seekMs.p95)} ms`);
  console.log(`  rewind buffer, 10 minutes       ${round(figures.rewindMiB10min)} MiB compressed`);
}
