import type { AppEvent } from './events.js';
import { reduce } from './reduce.js';
import type { AppState } from './state.js';

export type StoreListener = (state: AppState, previous: AppState) => void;

/** The state and the one way to change it: dispatch an event, the reducer makes the next state, listeners hear of it. */
export class Store {
  private readonly listeners = new Set<StoreListener>();

  constructor(private state: AppState) {}

  getState = (): AppState => this.state;

  subscribe = (listener: StoreListener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch = (event: AppEvent): void => {
    const previous = this.state;
    const next = reduce(previous, event);
    if (next === previous) return;
    this.state = next;
    for (const listener of this.listeners) listener(next, previous);
  };
}
