import type { AppEvent } from './events.js';
import { reduce } from './reduce.js';
import type { AppState } from './state.js';

export type StoreListener = (state: AppState, previous: AppState) => void;

/** Sees each event dispatched before the reducer does; `hold` keeps it from the state (rewinding holds live data). */
export type StoreTap = (event: AppEvent) => 'pass' | 'hold';

/** The state and the one way to change it: dispatch an event, the reducer makes the next state, listeners hear of it. */
export class Store {
  private readonly listeners = new Set<StoreListener>();
  private tap: StoreTap | undefined;

  constructor(private state: AppState) {}

  getState = (): AppState => this.state;

  subscribe = (listener: StoreListener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Puts a tap on dispatch (a recorder, the rewind buffer), or takes it off. */
  setTap(tap: StoreTap | undefined): void {
    this.tap = tap;
  }

  dispatch = (event: AppEvent): void => {
    if (this.tap?.(event) === 'hold') return;
    this.apply(event);
  };

  /** Changes the state without the tap: a replay's events, which are neither recorded again nor held. */
  apply = (event: AppEvent): void => {
    const previous = this.state;
    const next = reduce(previous, event);
    if (next === previous) return;
    this.state = next;
    for (const listener of this.listeners) listener(next, previous);
  };
}
