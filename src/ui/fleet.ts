import type { AppEvent } from '../store/events.js';
import type { AppState } from '../store/state.js';
import { summarize } from '../store/targets.js';
import { runningJobIn } from '../actions/effects.js';
import { Controller, type ControllerDeps } from './controller.js';

/** What the screen needs from whatever drives it: one controller, or a fleet of them. */
export interface ScreenDriver {
  getState: () => AppState;
  subscribe: (listener: () => void) => () => void;
  handleKey: (name: string, input: string) => void;
  dispatch: (event: AppEvent) => void;
}

export interface FleetTarget {
  name: string;
  initial: AppState;
  deps: Omit<ControllerDeps, 'switchTarget' | 'runningElsewhere'>;
}

/**
 * Several targets watched at once: a controller per target, each with its own store, connections and clock
 * (a target that does not answer delays no other), one of them shown. Every target's summary is handed to the
 * shown one's store for the header; keys go to the shown one only, so an action runs on the target whose
 * screen asked for it.
 */
export class Fleet implements ScreenDriver {
  private readonly targets: { name: string; controller: Controller }[];
  private shown = 0;
  private readonly listeners = new Set<() => void>();

  constructor(targets: readonly FleetTarget[]) {
    this.targets = targets.map((target) => ({
      name: target.name,
      controller: new Controller(target.initial, {
        ...target.deps,
        switchTarget: (name) => this.show(name),
        runningElsewhere: () => this.runningOutside(target.name),
      }),
    }));
    this.targets.forEach(({ controller }, index) => controller.subscribe(() => this.changed(index)));
  }

  get names(): string[] {
    return this.targets.map((t) => t.name);
  }

  /** The controller of a target by name (tests look at the targets they do not show). */
  controllerOf(name: string): Controller | undefined {
    return this.targets.find((t) => t.name === name)?.controller;
  }

  private get current(): Controller {
    const target = this.targets[this.shown] ?? this.targets[0];
    if (!target) throw new Error('a fleet needs at least one target');
    return target.controller;
  }

  getState = (): AppState => this.current.getState();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  handleKey = (name: string, input: string): void => this.current.handleKey(name, input);

  /** The terminal's size is every target's; any other event is the shown one's. */
  dispatch = (event: AppEvent): void => {
    if (event.type === 'resize') for (const { controller } of this.targets) controller.dispatch(event);
    else this.current.dispatch(event);
  };

  start(): void {
    for (const { controller } of this.targets) controller.start();
    this.publishSummaries();
  }

  stop(): void {
    for (const { controller } of this.targets) controller.stop();
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.targets.map(({ controller }) => controller.shutdown()));
  }

  /** Shows the named target (its screen as it was left: view, selection, dialogs). */
  show(name: string): void {
    const index = this.targets.findIndex((t) => t.name === name);
    if (index < 0 || index === this.shown) return;
    this.shown = index;
    const controller = this.current;
    this.publishSummaries();
    controller.dispatch({ type: 'message', text: `showing ${name} (${controller.getState().pg.target})`, tone: 'info', at: controller.getState().now });
    this.notify();
  }

  /** The first job running on a target other than `name`, named with its target: quitting cancels it too. */
  private runningOutside(name: string): string | undefined {
    for (const target of this.targets) {
      const job = target.name === name ? undefined : runningJobIn(target.controller.getState());
      if (job) return `${job} on ${target.name}`;
    }
    return undefined;
  }

  private changed(index: number): void {
    this.publishSummaries();
    if (index === this.shown) this.notify();
  }

  private publishSummaries(): void {
    const summaries = this.targets.map(({ name, controller }) => summarize(name, controller.getState()));
    this.current.dispatch({ type: 'targets-summary', summaries });
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
