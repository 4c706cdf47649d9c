import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatch, diff, type Json } from '../../src/record/delta.js';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeChunk, encodeChunk, encodeFrame, encodeHeader, FRAME_CHUNK, FRAME_END, type RecordedEvent } from '../../src/record/format.js';
import { parseSession } from '../../src/sources/parse.js';
import { RecordingWriter } from '../../src/record/writer.js';
import { openRecordingFile, openRecordings } from '../../src/record/reader.js';
import { RecordingCursor } from '../../src/record/cursor.js';
import { MemoryRecording } from '../../src/record/memory.js';
import { rotatedSegments } from '../../src/record/segments.js';

const session = (pid: number, state: string): Json => ({ pid, state, query: `select ${pid}`, blockedBy: [] });
const tick = (at: number, sessions: Json[]): RecordedEvent => ({ type: 'pg-data', at, snapshot: { takenAt: new Date(at).toISOString(), sessions } });
const header = { pgtop: '0.1.0', target: 'db', createdAt: '', intervalSeconds: 1 };

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'pgtop-rec-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function record(path: string, ticks: number, chunkMs = 5000, close = true): void {
  const writer = new RecordingWriter({ path, header, chunkMs, now: () => 0 });
  for (let i = 0; i < ticks; i += 1) writer.append(tick(1000 * i, [session(1, i % 2 ? 'active' : 'idle'), session(2 + (i % 3), 'active')]));
  if (close) writer.close();
  else writer.flush();
}

describe('delta encoding', () => {
  test('a patch turns the first value into the second: objects, arrays by pid (added, removed, reordered), by index', () => {
    const before: Json = { a: 1, gone: true, sessions: [session(1, 'idle'), session(2, 'active'), session(3, 'idle')], list: [1, 2, 3] };
    const after: Json = { a: 2, sessions: [session(4, 'active'), session(1, 'active'), session(3, 'idle')], list: [1, 5, 3], added: 'x' };
    const patch = diff(before, after);
    assert.ok(patch);
    assert.deepEqual(applyPatch(before, patch), after);
    assert.equal(diff(after, JSON.parse(JSON.stringify(after)) as Json), undefined);
  });

  test('an unchanged session costs nothing in the patch', () => {
    const sessions = Array.from({ length: 100 }, (_, i) => session(i + 1, 'idle'));
    const changed = sessions.map((s, i) => (i === 50 ? session(51, 'active') : s));
    const patch = diff({ sessions }, { sessions: changed });
    assert.ok(JSON.stringify(patch).length < 100, JSON.stringify(patch));
  });

  test('a chunk decodes to the events it was made of', () => {
    const events = [tick(0, [session(1, 'idle')]), tick(1000, [session(1, 'active'), session(2, 'idle')]), tick(2000, []), { type: 'pg-error', at: 2500, message: 'gone', retryInMs: 1000 }];
    assert.deepEqual(decodeChunk(encodeChunk(events)), events);
  });
});

/** A tick of the sessions source as it delivers one: ages computed from the server's time in microseconds. */
const liveTick = (at: number, nowUs: number, pids: number[], synthetic: number[] = []): RecordedEvent => {
  const sessions = pids.map((pid) =>
    parseSession(
      {
        pid,
        state: pid % 5 === 0 ? 'idle in transaction' : 'idle',
        datname: 'shop',
        usename: 'app',
        application_name: `app ${pid}`,
        backend_start_us: String(1_700_000_000_000_000 + pid),
        xact_start_us: pid % 5 === 0 ? String(1_700_000_000_000_000 + pid * 999_983) : null,
        query_start_us: String(1_700_000_000_123_457 + pid * 1_000_003),
        state_change_us: String(1_700_000_000_223_457 + pid * 1_000_003),
        query: `SELECT ${pid}`,
        query_length: 9,
      },
      nowUs,
    ),
  );
  for (const session of sessions) if (synthetic.includes(session.pid)) session.queryAgeSeconds = 0.1 + 0.2;
  return { type: 'pg-data', at, snapshot: { takenAt: new Date(at).toISOString(), sessions } } as unknown as RecordedEvent;
};
/** The events' data as JSON text, keys in their order (the event's type and time are put last when read). */
const asWritten = (events: readonly RecordedEvent[]): string[] => events.map((e) => `${e.type} ${e.at} ${JSON.stringify(e.snapshot)}`);
const storedTicks = (body: Buffer): { n?: number; f?: unknown; d?: unknown }[] => JSON.parse(gunzipSync(body).toString('utf8')) as { n?: number; f?: unknown; d?: unknown }[];

describe('derived ages', () => {
  const pids = Array.from({ length: 50 }, (_, i) => 100 + i);
  const ticks = Array.from({ length: 10 }, (_, i) => liveTick(1000 * i, 1_700_003_600_000_000 + i * 1_000_017, pids, [107]));

  test('sessions whose only change is their query age store no patch, and read back as delivered, keys in order', () => {
    const body = encodeChunk(ticks);
    const stored = storedTicks(body);
    assert.equal(stored.length, 10);
    assert.ok(stored.slice(1).every((tick) => typeof tick.n === 'number' && JSON.stringify(tick.d).length < 120), JSON.stringify(stored[1]));
    const decoded = decodeChunk(body);
    assert.deepEqual(decoded, ticks);
    assert.deepEqual(asWritten(decoded), asWritten(ticks));
    const seeked = decodeChunk(body, (_type, at) => at >= 5000);
    assert.deepEqual(asWritten(seeked), asWritten(ticks.slice(5)));
  });

  test('an age is stored as its start when the tick time less that start gives it back exactly, else as it is', () => {
    const stored = storedTicks(encodeChunk(ticks));
    const first = stored[0]?.f as { snapshot: { sessions: { pid: number; queryAgeSeconds: unknown; queryStartUs: string }[] } };
    assert.equal(first.snapshot.sessions.find((s) => s.pid === 107)?.queryAgeSeconds, 0.1 + 0.2);
    const derived = first.snapshot.sessions.find((s) => s.pid === 108);
    assert.equal(derived?.queryAgeSeconds, derived?.queryStartUs);
  });

  test('the rewind buffer hands out the ticks still gathering as delivered', () => {
    const memory = new MemoryRecording({ ...header, format: 2 }, 60_000, 30_000);
    for (const event of ticks) memory.append(event);
    const events = new RecordingCursor(memory.recording()).eventsBetween(-1, 10_000);
    assert.deepEqual(asWritten(events), asWritten(ticks));
  });

  test('a recording of format 1, ages stored in every tick, replays as it was written', () => {
    withDir((dir) => {
      const path = join(dir, 'old');
      const old = ticks.map(({ type, at, ...fields }, i) => (i === 0 ? { t: at, y: type, f: fields } : { t: at, y: type, d: diff({ ...ticks[i - 1], type: undefined, at: undefined } as unknown as Json, fields as Json) }));
      const body = gzipSync(Buffer.from(JSON.stringify(old), 'utf8'));
      writeFileSync(path, Buffer.concat([encodeHeader({ ...header, format: 1 }), encodeFrame(FRAME_CHUNK, 0, 9000, body), encodeFrame(FRAME_END, 9000, 9000, Buffer.alloc(0))]));
      const recording = openRecordingFile(path);
      assert.deepEqual(recording.notices, []);
      assert.deepEqual(asWritten(new RecordingCursor(recording).eventsBetween(-1, 10_000)), asWritten(ticks));
    });
  });
});

describe('recording files', () => {
  test('a closed recording replays all its chunks; the index holds every chunk and seeking reads only the ones asked for', () => {
    withDir((dir) => {
      const path = join(dir, 'rec');
      record(path, 30);
      const recording = openRecordingFile(path);
      assert.deepEqual(recording.notices, []);
      assert.equal(recording.chunks.length, 5);
      const cursor = new RecordingCursor(recording);
      assert.deepEqual([cursor.start, cursor.end], [0, 29_000]);
      assert.deepEqual(cursor.eventsBetween(9_500, 12_000).map((e) => e.at), [10_000, 11_000, 12_000]);
      assert.equal(cursor.tickBefore(12_000), 11_000);
      assert.equal(cursor.tickAfter(12_000), 13_000);
    });
  });

  test('a recording cut off mid-chunk replays up to the cut and says where it stopped', () => {
    withDir((dir) => {
      const path = join(dir, 'rec');
      record(path, 30, 5000, false);
      truncateSync(path, statSync(path).size - 10);
      const recording = openRecordingFile(path);
      assert.match(recording.notices.join('\n'), /cut off at byte \d+ \(a chunk was being written\): the replay ends at 1970-01-01 00:00:23 UTC/);
      assert.equal(new RecordingCursor(recording).end, 23_000);
    });
  });

  test('a recording not closed (the recorder killed) says so; garbage after the last chunk is reported as damage', () => {
    withDir((dir) => {
      const path = join(dir, 'rec');
      record(path, 12, 5000, false);
      assert.match(openRecordingFile(path).notices.join('\n'), /was not closed .*the replay ends at 1970-01-01 00:00:11 UTC/);
      appendFileSync(path, Buffer.from('garbage that is long enough to be a header'));
      assert.match(openRecordingFile(path).notices.join('\n'), /damaged at byte \d+ \(not a chunk\)/);
    });
  });

  test('a chunk whose body is corrupted ends the replay before it, with a notice', () => {
    withDir((dir) => {
      const path = join(dir, 'rec');
      record(path, 30);
      const bytes = readFileSync(path);
      const second = openRecordingFile(path).chunks[2]!;
      const offset = Number(/byte (\d+)/.exec(second.place)![1]) + 40;
      bytes.fill(0x55, offset, offset + 20);
      writeFileSync(path, bytes);
      const cursor = new RecordingCursor(openRecordingFile(path));
      const events = cursor.eventsBetween(-1, 40_000);
      assert.equal(events[events.length - 1]!.at, 11_000);
      assert.match(cursor.notices.join('\n'), /the chunk from 1970-01-01 00:00:12 UTC is damaged.*the replay ends at 1970-01-01 00:00:11 UTC/);
    });
  });

  test('a recording of a newer format says so, and a file that is no recording too', () => {
    withDir((dir) => {
      const newer = join(dir, 'newer');
      writeFileSync(newer, encodeHeader({ ...header, format: 9, pgtop: '9.0.0' }));
      assert.throws(() => openRecordingFile(newer), /recorded by a newer pgtop \(9\.0\.0, recording format 9\); this pgtop reads formats 1 to 2: upgrade pgtop/);
      writeFileSync(join(dir, 'text'), 'hello');
      assert.throws(() => openRecordingFile(join(dir, 'text')), /is not a pgtop recording/);
    });
  });

  test('a full disk stops the recording with a clear error', () => {
    assert.throws(() => new RecordingWriter({ path: '/dev/full', header, chunkMs: 1000 }), /the disk is full \(\/dev\/full\): the recording stopped; nothing was recorded yet/);
  });

  test('a file over --max-size is rotated; the parts replay as one recording', () => {
    withDir((dir) => {
      const path = join(dir, 'rec');
      let now = 0;
      const writer = new RecordingWriter({ path, header, chunkMs: 2000, maxBytes: 600, keepMs: 3_600_000, now: () => (now += 1000) });
      for (let i = 0; i < 40; i += 1) writer.append(tick(1000 * i, [session(1, `state ${i}`)]));
      writer.close();
      const parts = rotatedSegments(path);
      assert.ok(parts.length >= 2, `${parts.length} parts`);
      const cursor = new RecordingCursor(openRecordings([path, ...parts]));
      assert.deepEqual(cursor.eventsBetween(-1, 40_000).map((e) => e.at), Array.from({ length: 40 }, (_, i) => 1000 * i));
    });
  });

  test('the rewind buffer keeps the window and drops older chunks', () => {
    const memory = new MemoryRecording({ ...header, format: 1 }, 60_000, 10_000);
    for (let i = 0; i < 300; i += 1) memory.append(tick(1000 * i, [session(1, `s${i % 7}`)]));
    const cursor = new RecordingCursor(memory.recording());
    assert.ok((cursor.start ?? 0) >= 299_000 - 70_000 && (cursor.start ?? 0) <= 299_000 - 60_000, String(cursor.start));
    assert.equal(cursor.end, 299_000);
  });
});
