import { RecordingCursor } from '../record/cursor.js';
import type { RecordedEvent } from '../record/format.js';
import type { MemoryRecording } from '../record/memory.js';
import type { Recording } from '../record/reader.js';
import type { AppEvent } from '../store/events.js';
import type { AppState } from '../store/state.js';
import { RECORDED_TYPES, TimelinePlayer, type TimelineCommand } from './timeline-player.js';

/** What the timeline keys reach: the replay of a recording, or the rewind of the monitor's last minutes. */
export interface TimelineControl {
  run(command: TimelineCommand): void;
  goto(text: string): void;
  /** Back to the server's data now (rewind only). */
  live(): void;
  stop(): void;
}

export interface TimelineDeps {
  getState: () => AppState;
  apply: (event: AppEvent) => void;
  now: () => number;
}

const tell = (deps: TimelineDeps, text: string): void => deps.apply({ type: 'message', text, tone: 'info', at: deps.now() });

/** A recording on the full screen: the player is there from the start. */
export function replayControl(recording: Recording, deps: TimelineDeps): TimelineControl & { open: (at: number | undefined) => void } {
  const player = new TimelinePlayer(new RecordingCursor(recording), { ...deps, mode: 'replay' });
  return {
    open: (at) => {
      player.seek(at ?? player.start ?? 0, false);
      for (const notice of recording.notices) deps.apply({ type: 'message', text: notice, tone: 'error', at: player.end ?? deps.now() });
    },
    run: (command) => player.run(command),
    goto: (text) => player.goto(text),
    live: () => tell(deps, 'a recording has no live data: q quits'),
    stop: () => player.stop(),
  };
}

const BACKWARD: ReadonlySet<TimelineCommand> = new Set(['stepBack', 'back1m', 'back10m']);

/**
 * The monitor's last minutes: every event the sources deliver is kept (compressed, bounded); a step back
 * holds the live data away from the screen and shows the kept minutes; `live` shows the server's data
 * again, history included. Polling never stops.
 */
export class RewindControl implements TimelineControl {
  private player: TimelinePlayer | undefined;

  constructor(
    private readonly memory: MemoryRecording | undefined,
    private readonly deps: TimelineDeps,
  ) {}

  /** Keeps a source's event; true when the screen must not show it now (rewinding). */
  keep(event: AppEvent & { at?: number }): boolean {
    if (!RECORDED_TYPES.has(event.type)) return false;
    this.memory?.append({ ...event, at: event.at ?? this.deps.now() } as unknown as RecordedEvent);
    return this.player !== undefined;
  }

  run(command: TimelineCommand): void {
    if (!this.player) {
      if (!BACKWARD.has(command)) return;
      if (!this.memory) return tell(this.deps, 'rewinding is off (--rewind 0)');
      const player = this.playerAtEnd();
      if (!player) return tell(this.deps, 'nothing to rewind yet');
      this.player = player;
    }
    this.player.run(command);
  }

  goto(text: string): void {
    if (!this.player) {
      if (!this.memory) return tell(this.deps, 'rewinding is off (--rewind 0)');
      this.player = this.playerAtEnd();
    }
    this.player?.goto(text);
  }

  live(): void {
    const player = this.player;
    if (!player) return;
    player.stop();
    this.player = undefined;
    // The minutes kept hold everything that arrived while rewinding: the screen is fed up to now from them.
    this.playerAtEnd();
    this.deps.apply({ type: 'timeline', timeline: undefined });
    this.deps.apply({ type: 'clock', now: this.deps.now() });
  }

  stop(): void {
    this.player?.stop();
  }

  /** A player on what is kept now, showing its last moment. */
  private playerAtEnd(): TimelinePlayer | undefined {
    if (!this.memory) return undefined;
    const player = new TimelinePlayer(new RecordingCursor(this.memory.recording()), { ...this.deps, mode: 'rewind', onEnd: () => this.live() });
    if (player.end === undefined) return undefined;
    player.seek(player.end, false);
    return player;
  }
}
