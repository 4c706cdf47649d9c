import type { AppState } from '../../store/state.js';
import { fit } from '../../text/width.js';
import { theme } from '../theme.js';
import { padLines } from './sessions-view.js';

/** A body of a few explanatory lines (a view that has nothing to show yet, and why). */
export function messageBody(state: AppState, height: number, messages: string[]): string[] {
  const width = state.terminal.columns;
  return padLines(['', ...messages.map((m) => theme.dim(fit(`  ${m}`, width)))], height, width);
}
