import type { AppState } from '../store/state.js';
import type { FrameWriter } from './frame-writer.js';
import { screenLines } from './screen-lines.js';

/** At most this many frames a second while data streams in; a key press is drawn at once. */
export const MAX_FRAMES_PER_SECOND = 10;

/**
 * Turns state changes into frames: a burst of changes is one frame, data draws at most MAX_FRAMES_PER_SECOND
 * times a second, and a key press draws as soon as the keys of its burst are handled.
 */
export class Painter {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private lastFrameAt = -Infinity;
  private stopped = false;

  constructor(
    private readonly getState: () => AppState,
    private readonly writer: FrameWriter,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The state changed; `urgent` when the user is waiting for it (a key). */
  request(urgent = false): void {
    if (this.stopped || this.immediate) return;
    if (urgent) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = setImmediate(() => this.paint());
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastFrameAt + 1000 / MAX_FRAMES_PER_SECOND - this.clock());
    // Nothing to wait for: drawn in this turn of the event loop; a timer would wake the process once more.
    if (wait === 0) this.immediate = setImmediate(() => this.paint());
    else this.timer = setTimeout(() => this.paint(), wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
  }

  private paint(): void {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.stopped) return;
    this.lastFrameAt = this.clock();
    const state = this.getState();
    this.writer.draw(screenLines(state), state.terminal.columns, state.terminal.rows);
  }
}
