import { round } from './stats.js';

/** What the frame writer drew into a terminal, read back from the bytes the program wrote to its pty. */

const SYNC_START = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';
const LINE_START = /\x1b\[(\d+);1H\x1b\[0m/g;
const CLEAR_SCREEN = '\x1b[2J';
const CLEAR_LINE = '\x1b[2K';

export interface DrawingCounts {
  /** Synchronized updates (the frame writer's frames) that began in the window. */
  frames: number;
  /** Lines written in those frames. */
  lines: number;
  /** Lines written with exactly what the row already showed: drawn although nothing changed. */
  unchangedLines: number;
  /** Bytes the program wrote to the terminal in the window (`output` is read one byte a character, latin1). */
  bytes: number;
}

/**
 * Replays the frames in `output` (each a synchronized update of whole lines at fixed rows, as FrameWriter
 * draws them) and counts those starting at or after `from` (an offset into `output`): frames, lines, and
 * lines rewritten with the content their row already had. A row first written before `from` is known; one
 * never written since the capture began is not, and its first write is not counted as unchanged.
 */
export function countDrawing(output: string, from = 0): DrawingCounts {
  const rows = new Map<number, string>();
  const counts: DrawingCounts = { frames: 0, lines: 0, unchangedLines: 0, bytes: output.length - Math.min(from, output.length) };
  let at = output.indexOf(SYNC_START);
  while (at >= 0) {
    const end = output.indexOf(SYNC_END, at);
    const body = output.slice(at + SYNC_START.length, end < 0 ? output.length : end);
    const counted = at >= from;
    if (counted) counts.frames++;
    if (body.includes(CLEAR_SCREEN)) rows.clear();
    const starts = [...body.matchAll(LINE_START)];
    for (const [i, match] of starts.entries()) {
      const row = Number(match[1]);
      const contentStart = (match.index ?? 0) + match[0].length;
      let content = body.slice(contentStart, starts[i + 1]?.index ?? body.length);
      // The frame's closing reset belongs to no line.
      if (i === starts.length - 1 && content.endsWith('\x1b[0m')) content = content.slice(0, -'\x1b[0m'.length);
      if (content === CLEAR_LINE) content = '';
      if (counted) {
        counts.lines++;
        if (rows.get(row) === content) counts.unchangedLines++;
      }
      rows.set(row, content);
    }
    if (end < 0) break;
    at = output.indexOf(SYNC_START, end);
  }
  return counts;
}

/** Per second over a window of `seconds`. */
export const perSecond = (count: number, seconds: number): number => (seconds > 0 ? count / seconds : Number.NaN);


export interface IdleWindow {
  condition: 'frozen' | 'unchanged';
  seconds: number;
  /**
   * Times a second the event loop went to sleep (epoll with a timeout other than 0, traced with strace in
   * a window of its own): each sleep ends in a wake-up. Undefined without strace.
   */
  wakeupsPerSecond: number | undefined;
  /**
   * Times a second the loop woke from a real sleep: a sleep shorter than BURST_GAP_MS continues the burst of
   * work before it (the answers of one refresh arriving one after the other). Undefined without the sleeps' times.
   */
  burstsPerSecond: number | undefined;
  /** The main thread's voluntary context switches a second: the loop's sleeps, and waits on V8's and libuv's threads. */
  contextSwitchesPerSecond: number;
  /** All the process's threads together. */
  allThreadsSwitchesPerSecond: number;
  framesPerSecond: number;
  linesPerSecond: number;
  bytesPerSecond: number;
  unchangedLines: number;
  cpuPercent: number;
}

/** The idle target: at most this many wake-ups a second, and no line drawn that did not change. */
export const IDLE_WAKEUPS_PER_SECOND = 1;

/** One window's figures from the counters read at its start and end, and the loop's sleeps traced. */
export function idleWindow(
  condition: IdleWindow['condition'],
  seconds: number,
  counters: { main: number; all: number; cpu: number },
  drawing: DrawingCounts,
  sleeps?: { count: number; bursts?: number; seconds: number },
): IdleWindow {
  return {
    condition,
    seconds: round(seconds, 1),
    wakeupsPerSecond: sleeps ? round(perSecond(sleeps.count, sleeps.seconds), 2) : undefined,
    burstsPerSecond: sleeps?.bursts !== undefined ? round(perSecond(sleeps.bursts, sleeps.seconds), 2) : undefined,
    contextSwitchesPerSecond: round(perSecond(counters.main, seconds), 2),
    allThreadsSwitchesPerSecond: round(perSecond(counters.all, seconds), 2),
    framesPerSecond: round(perSecond(drawing.frames, seconds), 2),
    linesPerSecond: round(perSecond(drawing.lines, seconds), 2),
    bytesPerSecond: round(perSecond(drawing.bytes, seconds), 0),
    unchangedLines: drawing.unchangedLines,
    cpuPercent: round((counters.cpu / seconds) * 100, 2),
  };
}

/** Wake-ups as traced (bursts when their times are known), or the main thread's context switches (an upper bound) without strace. */
export const idleWakeups = (w: IdleWindow): number => w.burstsPerSecond ?? w.wakeupsPerSecond ?? w.contextSwitchesPerSecond;
export const idleMet = (w: IdleWindow): boolean => idleWakeups(w) <= IDLE_WAKEUPS_PER_SECOND && w.unchangedLines === 0;

/** The event loop's sleeps in strace's output: epoll calls with a timeout other than 0 (-1 waits for ever). */
export function countLoopSleeps(trace: string): number {
  let sleeps = 0;
  for (const match of trace.matchAll(/epoll_p?wait\(\d+, (?:\[.*?\]|0x[0-9a-f]+), \d+, (-?\d+)/g)) if (match[1] !== '0') sleeps++;
  return sleeps;
}

/** A sleep shorter than this continues the burst of work before it. */
export const BURST_GAP_MS = 50;

/**
 * The bursts of work in strace -T's output: each sleep of at least BURST_GAP_MS (its time in the call, <s>
 * at the end of the line) ends in a wake-up that starts one. Undefined when the trace has no times.
 */
export function countLoopBursts(trace: string): number | undefined {
  let bursts = 0;
  let timed = false;
  for (const match of trace.matchAll(/epoll_p?wait\(\d+, (?:\[.*?\]|0x[0-9a-f]+), \d+, (-?\d+)[^\n]*?<(\d+\.\d+)>/g)) {
    timed = true;
    if (match[1] !== '0' && Number(match[2]) * 1000 >= BURST_GAP_MS) bursts++;
  }
  return timed ? bursts : undefined;
}
