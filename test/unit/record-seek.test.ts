import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '../../src/record/delta.js';
import { decodeChunk, encodeChunk, type RecordedEvent } from '../../src/record/format.js';
import { RecordingWriter } from '../../src/record/writer.js';
import { openRecordingFile } from '../../src/record/reader.js';
import { RecordingCursor } from '../../src/record/cursor.js';
import { seekEvents } from '../../src/actions/timeline-player.js';
import { initialState } from '../../src/store/state.js';
import { reduce } from '../../src/store/reduce.js';

const header = { pgtop: '0.1.0', target: 'db', createdAt: '', intervalSeconds: 1 };
const sessions = (i: number): Json[] => [1, 2, 3 + (i % 4)].map((pid) => ({ pid, state: (pid + i) % 3 ? 'active' : 'idle', age: i, query: `select ${pid}` }));
const tick = (i: number): RecordedEvent => ({ type: 'pg-data', at: 1000 * i, snapshot: { sessions: sessions(i), server: { ticks: i } } });

describe('encoding without a JSON round trip', () => {
  test('undefined fields and dates are stored as JSON.stringify writes them', () => {
    const events: RecordedEvent[] = [0, 1, 2, 3].map((i) => ({
      type: 'pg-data',
      at: i,
      snapshot: { sessions: [{ pid: 1, gone: (i % 2 ? undefined : 'x') as Json, when: new Date(1000 * (i >> 1)) as unknown as Json, list: [i, undefined as unknown as Json] }] },
    }));
    const roundTripped = events.map((event) => JSON.parse(JSON.stringify(event)) as RecordedEvent);
    assert.deepEqual(decodeChunk(encodeChunk(events)), roundTripped);
    assert.ok(encodeChunk(events).equals(encodeChunk(roundTripped)), 'the same bytes as from the JSON values');
  });
});

describe('seeking', () => {
  test('a partial decode hands out the same events as a full one, untouched by the ticks after them', () => {
    const events = Array.from({ length: 30 }, (_, i) => tick(i));
    const body = encodeChunk(events);
    const full = decodeChunk(body);
    const kept = decodeChunk(body, (_type, at) => at === 4000 || at >= 28_000);
    assert.deepEqual(kept, full.filter((e) => e.at === 4000 || e.at >= 28_000));
    assert.deepEqual(kept[0], JSON.parse(JSON.stringify(events[4])));
  });

  test('a seek feeds the warm-up, the last two ticks, and the statement texts of its chunk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgtop-seek-'));
    try {
      const path = join(dir, 'rec');
      const writer = new RecordingWriter({ path, header, chunkMs: 600_000, now: () => 0 });
      writer.append({ type: 'statements-texts', at: 500, texts: { '1/1/1': 'SELECT 1' } });
      for (let i = 1; i <= 400; i += 1) {
        writer.append(tick(i));
        if (i % 10 === 0) writer.append({ type: 'vacuum-data', at: 1000 * i + 1, snapshot: { n: i } });
      }
      writer.close();
      const fed = seekEvents(new RecordingCursor(openRecordingFile(path)), 300_500, 1000);
      assert.deepEqual(fed.filter((e) => e.type === 'pg-data').map((e) => e.at), [299_000, 300_000]);
      assert.deepEqual(fed.filter((e) => e.type === 'statements-texts').map((e) => e.texts), [{ '1/1/1': 'SELECT 1' }], 'the texts written at the start of the chunk');
      const vacuum = fed.filter((e) => e.type === 'vacuum-data').map((e) => e.at);
      assert.deepEqual(vacuum, Array.from({ length: 12 }, (_, i) => 190_001 + 10_000 * i), 'two minutes of the other sources');
      const full = new RecordingCursor(openRecordingFile(path)).eventsBetween(-1, 400_000).find((e) => e.at === 300_000);
      assert.deepEqual(fed.find((e) => e.at === 300_000), full);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a gap in the activity ticks still finds the last two before the time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgtop-seek-'));
    try {
      const path = join(dir, 'rec');
      const writer = new RecordingWriter({ path, header, chunkMs: 30_000, now: () => 0 });
      for (const i of [1, 2, 3, 4, 90]) writer.append(tick(i));
      writer.close();
      const fed = seekEvents(new RecordingCursor(openRecordingFile(path)), 60_000, 1000);
      assert.deepEqual(fed.map((e) => e.at), [3000, 4000]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a seek forgets the data, not the statement texts', () => {
  test('texts stay across data-reset: a key has the same text at any time', () => {
    let state = initialState({ intervalSeconds: 1, readOnly: true, columns: 120, rows: 40, target: 'db' });
    state = reduce(state, { type: 'statements-texts', texts: { '1/1/1': 'SELECT 1' } });
    state = reduce(state, { type: 'data-reset' });
    assert.deepEqual(state.statements.texts, { '1/1/1': 'SELECT 1' });
  });
});
