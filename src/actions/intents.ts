import type { AppEvent } from '../store/events.js';
import type { ActionCommand } from './commands.js';

/**
 * What a key press means, decided from the state and the key alone (keymap/router.ts); each kind has one
 * handler (effects.ts).
 */
export type Intent =
  /** A change of the screen's state only: the event is dispatched as it is. */
  | { kind: 'dispatch'; event: AppEvent }
  /** An action: its handler decides whether it needs a confirmation first. */
  | { kind: 'act'; command: ActionCommand }
  /** Yes to the open dialog (y, or Enter after typing the database name). */
  | { kind: 'confirm' }
  /** No to the open dialog: it closes and says that nothing was done. */
  | { kind: 'decline' }
  /** The terminal is too small to show the open dialog: it closes, nothing is done. */
  | { kind: 'dismiss' }
  /** Enter in the `:` picker: the target typed is shown. */
  | { kind: 'switch-target' }
  /** Go to the time typed after g (replay, rewind). */
  | { kind: 'goto'; text: string }
  | { kind: 'none' };

export type IntentKind = Intent['kind'];
