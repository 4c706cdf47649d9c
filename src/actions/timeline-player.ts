import { TICK_EVENT, type RecordingCursor } from '../record/cursor.js';
import type { RecordedEvent } from '../record/format.js';
import { parseRecordedTime, clockTime } from '../record/time.js';
import type { AppEvent } from '../store/events.js';
import type { AppState } from '../store/state.js';
import { SPEEDS, type TimelineState } from '../store/timeline.js';

/** The events a recording holds and a replay feeds to the store: the sources' data and errors. */
export const RECORDED_TYPES: ReadonlySet<string> = new Set<AppEvent['type']>([
  'pg-data',
  'pg-error',
  'bouncer-data',
  'bouncer-error',
  'replication-data',
  'replication-error',
  'vacuum-data',
  'vacuum-error',
  'statements-data',
  'statements-unavailable',
  'statements-error',
  'statements-texts',
  'health-data',
  'health-error',
]);

const TEXTS_EVENT = 'statements-texts';
/** A seek feeds this much recorded time before the target: the sparklines and rates have their history. */
const WARMUP_MS = 120_000;
/** Activity ticks fed on a seek (the rates need the one before): older ones would only be replaced. */
const WARMUP_TICKS = 2;
const FRAME_MS = 200;

export type TimelineCommand = 'play' | 'stepBack' | 'stepForward' | 'back1m' | 'forward1m' | 'back10m' | 'forward10m' | 'faster' | 'slower';

export interface PlayerDeps {
  mode: TimelineState['mode'];
  getState: () => AppState;
  /** Changes the state without recording the event again. */
  apply: (event: AppEvent) => void;
  now: () => number;
  /** Playing reached the end (rewind returns to live there). */
  onEnd?: () => void;
}

const asEvent = (event: RecordedEvent): AppEvent => event as unknown as AppEvent;

/**
 * What a seek to `target` feeds, in time order: the events of the warm-up before it (statement texts from
 * the start of its chunk: they are written once a chunk), of the activity ticks only the last two. Only
 * the ticks of the last few intervals are copied out of the chunks; all of them are read when a gap in
 * the recording leaves fewer there.
 */
export function seekEvents(cursor: RecordingCursor, target: number, intervalMs: number): RecordedEvent[] {
  const from = Math.min(target - WARMUP_MS, cursor.chunkStart(target) - 1);
  const wanted = (type: string, at: number): boolean => RECORDED_TYPES.has(type) && (at > target - WARMUP_MS || type === TEXTS_EVENT);
  const recent = target - (WARMUP_TICKS + 1) * Math.max(intervalMs, 500);
  let events = cursor.eventsBetween(from, target, (type, at) => wanted(type, at) && (type !== TICK_EVENT || at >= recent));
  const ticksIn = (list: RecordedEvent[]): RecordedEvent[] => list.filter((e) => e.type === TICK_EVENT);
  if (ticksIn(events).length < WARMUP_TICKS) events = cursor.eventsBetween(from, target, wanted);
  const ticks = ticksIn(events);
  const firstTickFed = ticks[Math.max(0, ticks.length - WARMUP_TICKS)];
  return events.filter((event) => event.type !== TICK_EVENT || (firstTickFed !== undefined && event.at >= firstTickFed.at));
}

/**
 * Moves the screen through a recording: seeks (the data forgotten, then fed again from a little before the
 * target), steps a tick, jumps, plays at a speed. The screen's choices (view, sort, filter, selection)
 * stay as they are.
 */
export class TimelinePlayer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cursor: RecordingCursor,
    private readonly deps: PlayerDeps,
  ) {}

  get start(): number | undefined {
    return this.cursor.start;
  }

  get end(): number | undefined {
    return this.cursor.end;
  }

  private get timeline(): TimelineState | undefined {
    return this.deps.getState().timeline;
  }

  /** Shows the recording at `at` (clamped to what there is). */
  seek(at: number, playing = this.timeline?.playing ?? false): void {
    const { start, end } = this.cursor;
    if (start === undefined || end === undefined) return;
    const target = Math.min(end, Math.max(start, at));
    this.deps.apply({ type: 'data-reset' });
    for (const event of seekEvents(this.cursor, target, this.deps.getState().intervalSeconds * 1000)) this.deps.apply(asEvent(event));
    this.show(target, playing);
  }

  /** Feeds the events up to `to` after the time shown (forward only; a seek goes back). */
  advance(to: number): void {
    const current = this.timeline;
    const end = this.cursor.end;
    if (!current || end === undefined) return;
    const target = Math.min(end, to);
    for (const event of this.cursor.eventsBetween(current.at, target)) if (RECORDED_TYPES.has(event.type)) this.deps.apply(asEvent(event));
    this.show(target, current.playing && target < end);
    if (target >= end && current.playing) this.deps.onEnd?.();
  }

  run(command: TimelineCommand): void {
    const current = this.timeline;
    if (!current) return;
    const jump = (ms: number): void => (ms > 0 && ms <= WARMUP_MS ? this.advance(current.at + ms) : this.seek(current.at + ms));
    const speedIndex = SPEEDS.indexOf(current.speed);
    switch (command) {
      case 'play':
        return this.setPlaying(!current.playing);
      case 'stepBack': {
        const tick = this.cursor.tickBefore(current.at);
        return tick === undefined ? this.say('the start of the recording') : this.seek(tick, false);
      }
      case 'stepForward': {
        const tick = this.cursor.tickAfter(current.at);
        if (tick === undefined) return this.say('the end of the recording');
        this.advance(tick);
        return this.setPlaying(false);
      }
      case 'back1m':
        return jump(-60_000);
      case 'forward1m':
        return jump(60_000);
      case 'back10m':
        return jump(-600_000);
      case 'forward10m':
        return jump(600_000);
      case 'faster':
        return this.deps.apply({ type: 'timeline', timeline: { ...current, speed: SPEEDS[Math.min(SPEEDS.length - 1, speedIndex + 1)] ?? current.speed } });
      case 'slower':
        return this.deps.apply({ type: 'timeline', timeline: { ...current, speed: SPEEDS[Math.max(0, speedIndex - 1)] ?? current.speed } });
    }
  }

  /** Goes to a typed time (`03:12`, `03:12:30`, `2026-03-12 03:12`); says so when it is not one. */
  goto(text: string): void {
    const { start, end } = this.cursor;
    const current = this.timeline;
    if (!current || start === undefined || end === undefined) return;
    this.deps.apply({ type: 'timeline', timeline: { ...current, gotoDraft: undefined } });
    const at = parseRecordedTime(text, { start, end });
    if (at === undefined) return this.say(`"${text}" is not a time: type HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM`, 'error');
    this.seek(at);
    if (at < start || at > end) this.say(`the recording holds ${clockTime(start)} to ${clockTime(end)}: shown from ${clockTime(Math.min(end, Math.max(start, at)))}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private setPlaying(playing: boolean): void {
    const current = this.timeline;
    if (!current) return;
    const end = this.cursor.end ?? current.end;
    // Play at the end starts again from the start of what there is.
    if (playing && current.at >= end) this.seek(this.cursor.start ?? current.at, true);
    else this.deps.apply({ type: 'timeline', timeline: { ...current, playing } });
    this.stop();
    if (!playing) return;
    let last = this.deps.now();
    this.timer = setInterval(() => {
      const now = this.deps.now();
      const shown = this.timeline;
      if (!shown?.playing) return this.stop();
      this.advance(shown.at + (now - last) * shown.speed);
      last = now;
    }, FRAME_MS);
  }

  private show(at: number, playing: boolean): void {
    const current = this.timeline;
    const { start, end } = this.cursor;
    this.deps.apply({ type: 'clock', now: at });
    this.deps.apply({
      type: 'timeline',
      timeline: {
        mode: this.deps.mode,
        at,
        start: start ?? at,
        end: end ?? at,
        playing,
        speed: current?.speed ?? 1,
        gotoDraft: current?.gotoDraft,
        notice: this.cursor.notices[this.cursor.notices.length - 1],
      },
    });
    if (!playing) this.stop();
  }

  private say(text: string, tone: 'info' | 'error' = 'info'): void {
    this.deps.apply({ type: 'message', text, tone, at: this.timeline?.at ?? this.deps.now() });
  }
}
