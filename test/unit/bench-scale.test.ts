import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countDrawing, countLoopBursts, countLoopSleeps, idleWindow } from '../../bench/drawing.js';
import type { MemoryFigures } from '../../bench/memory.js';
import type { FrameFigures } from '../../bench/render.js';
import { SyntheticCluster } from '../../bench/synthetic.js';
import { scaleRows, targetNotes, targetRows } from '../../bench/target-rows.js';
import { parseSession } from '../../src/sources/parse.js';
import { benchResults } from '../helpers/bench-results.js';

const frame = (line: number, text: string): string => `\x1b[${line};1H\x1b[0m${text}`;
const update = (...lines: string[]): string => `\x1b[?2026h${lines.join('')}\x1b[0m\x1b[?2026l`;

const results = benchResults;

const growth = (lastThirdMedian: number, growing: boolean): MemoryFigures['rss'] => ({ first: 80, middle: 85, last: lastThirdMedian, slopePer1000: growing ? 5 : 0.1, middleThirdMedian: 85, lastThirdMedian, growing });

describe('bench drawing counts', () => {
  test('counts frames and lines from an offset, and lines rewritten with what their row showed', () => {
    const before = update(frame(1, 'header 12:00:00'), frame(2, 'row a'));
    const after = update(frame(1, 'header 12:00:01'), frame(2, 'row a')) + update(frame(3, 'row c'));
    const counts = countDrawing(before + after, before.length);
    assert.deepEqual(counts, { frames: 2, lines: 3, unchangedLines: 1, bytes: after.length });
  });

  test('a cleared screen forgets its rows; a cleared line is an empty row', () => {
    const output = update(frame(1, 'a'), frame(2, 'b')) + update('\x1b[H\x1b[2J', frame(1, 'a'), frame(2, '\x1b[2K')) + update(frame(2, ''));
    assert.equal(countDrawing(output).unchangedLines, 1);
  });

  test('an idle window is judged on wake-ups a second and unchanged lines', () => {
    const drawing = { frames: 10, lines: 20, unchangedLines: 0, bytes: 3000 };
    const window = idleWindow('frozen', 10, { main: 30, all: 60, cpu: 0.05 }, drawing, { count: 12, seconds: 10 });
    assert.deepEqual([window.wakeupsPerSecond, window.contextSwitchesPerSecond, window.framesPerSecond, window.bytesPerSecond, window.cpuPercent], [1.2, 3, 1, 300, 0.5]);
    const untraced = idleWindow('unchanged', 10, { main: 10, all: 10, cpu: 0 }, drawing);
    const redrawn = idleWindow('unchanged', 10, { main: 10, all: 10, cpu: 0 }, { ...drawing, unchangedLines: 1 }, { count: 5, seconds: 10 });
    const rows = scaleRows(results({ idle: { sessions: 100, windows: [window, untraced, redrawn] } }));
    assert.deepEqual(rows.map((r) => [r.value, r.holds]), [
      ['1.2; 1, 300; 0', 'no'],
      ['1 (context switches); 1, 300; 0', 'yes'],
      ['0.5; 1, 300; 1', 'no'],
    ]);
  });

  test('the loop\'s sleeps are the epoll calls that may block', () => {
    const trace = [
      'epoll_pwait(13, [], 1024, 923, NULL, 8) = 0',
      'epoll_pwait(13, [{events=EPOLLIN, data={u32=16, u64=16}}], 1024, 0, NULL, 8) = 1',
      'epoll_pwait(13, [{events=EPOLLIN, data={u32=19, u64=19}}], 1024, 262, NULL, 8) = 1',
      'epoll_wait(5, [], 1024, -1) = 0',
    ].join('\n');
    assert.equal(countLoopSleeps(trace), 3);
    assert.equal(countLoopBursts(trace), undefined, 'no times traced');
  });

  test('a sleep shorter than 50 ms continues the burst before it; the idle figure is the bursts when known', () => {
    const trace = [
      'epoll_pwait(13, [], 1024, 923, NULL, 8) = 0 <0.923101>',
      'epoll_pwait(13, [{events=EPOLLIN, data={u32=16, u64=16}}], 1024, 77, NULL, 8) = 1 <0.003000>',
      'epoll_pwait(13, [{events=EPOLLIN, data={u32=16, u64=16}}], 1024, 0, NULL, 8) = 1 <0.000010>',
      'epoll_pwait(13, [{events=EPOLLIN, data={u32=19, u64=19}}], 1024, 74, NULL, 8) = 1 <0.060000>',
    ].join('\n');
    assert.equal(countLoopSleeps(trace), 3);
    assert.equal(countLoopBursts(trace), 2);
    const window = idleWindow('unchanged', 10, { main: 30, all: 60, cpu: 0.05 }, { frames: 10, lines: 20, unchangedLines: 0, bytes: 3000 }, { count: 35, bursts: 10, seconds: 10 });
    assert.deepEqual([window.burstsPerSecond, window.wakeupsPerSecond], [1, 3.5]);
    assert.deepEqual(scaleRows(results({ idle: { sessions: 100, windows: [window] } })).map((r) => [r.value, r.holds]), [['1 (3.5 epoll sleeps); 1, 300; 0', 'yes']]);
  });
});

describe('bench scale rows', () => {
  test('frames and key to frame with long texts, RSS at start-up and after the ticks, each against its budget', () => {
    const frames = { sessions: 5000, p95Ms: 15, medianMs: 8, cpuMedianMs: 6 } as FrameFigures;
    const keys = { sessions: 5000, queryChars: 1_048_576, presses: 100, medianMs: 20, p95Ms: 60, maxMs: 90, missed: 0, ticks: 20 };
    const rss = { sessions: 1000, ticks: 10_000, startRssMb: 95, rss: growth(99, false), heap: growth(40, true) } as MemoryFigures;
    const rows = scaleRows(results({ longTexts: { frames, keys }, rss, scaleFrames: { sessions: 2000, ticks: 30, medianMs: 5, p95Ms: 17, reduceMedianMs: 3 } }));
    assert.deepEqual(rows.map((r) => [r.value, r.holds]), [
      ['17 / 5 ms', 'no'],
      ['15 / 8 ms; 6 ms', 'yes'],
      ['60 / 20 ms', 'no'],
      ['95 MB', 'yes'],
      ['99 MB; 85 / 40 MB, growing', 'no'],
    ]);
    assert.ok(!targetRows(results({ longTexts: { frames, keys }, rss })).some((r) => /5,000 synthetic|RSS at 1,000/.test(r.figure) && r.value === 'not measured'));
    assert.ok(targetNotes(rows).some((n) => n.startsWith('key to frame')));
  });
});

describe('SyntheticCluster with long query texts', () => {
  test('rows carry the preview the tick fetches and the whole length, distinct per session', () => {
    const cluster = new SyntheticCluster({ sessions: 50, seed: 2, queryChars: 1_048_576, previewChars: 4096 });
    const sessions = cluster.rawSessions().map((row) => parseSession(row, cluster.nowMicros)).filter((s) => s.backendType === 'client backend' && s.query !== null);
    assert.ok(sessions.length > 30);
    assert.ok(sessions.every((s) => s.query?.length === 4096 && s.queryLength === 1_048_576));
    assert.equal(new Set(sessions.map((s) => s.query)).size, sessions.length);
  });
});
