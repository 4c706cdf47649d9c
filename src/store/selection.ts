import type { StateCommand } from './commands.js';
import type { SelectionKey, SelectionState } from './state.js';

export type Movement = number | 'home' | 'end' | 'pageUp' | 'pageDown';

/** Where the selection is now among `keys`: it follows its key; if that row is gone, it stays at the same position. */
export function resolveSelection(keys: readonly SelectionKey[], selection: SelectionState, pageHeight: number): SelectionState {
  if (keys.length === 0) return { key: undefined, index: 0, top: 0 };
  let index = selection.key === undefined ? -1 : keys.indexOf(selection.key);
  if (index < 0) index = Math.min(Math.max(selection.index, 0), keys.length - 1);
  return { key: keys[index], index, top: scrollTop(index, selection.top, keys.length, pageHeight) };
}

export function moveSelection(keys: readonly SelectionKey[], selection: SelectionState, movement: Movement, pageHeight: number): SelectionState {
  const current = resolveSelection(keys, selection, pageHeight);
  if (keys.length === 0) return current;
  const page = Math.max(1, pageHeight);
  let index: number;
  if (movement === 'home') index = 0;
  else if (movement === 'end') index = keys.length - 1;
  else if (movement === 'pageUp') index = current.index - page;
  else if (movement === 'pageDown') index = current.index + page;
  else index = current.index + movement;
  index = Math.min(Math.max(index, 0), keys.length - 1);
  return { key: keys[index], index, top: scrollTop(index, current.top, keys.length, pageHeight) };
}

function scrollTop(index: number, top: number, count: number, pageHeight: number): number {
  const page = Math.max(1, pageHeight);
  let next = top;
  if (index < next) next = index;
  if (index >= next + page) next = index - page + 1;
  return Math.max(0, Math.min(next, Math.max(0, count - page)));
}

/** The movement each move command makes, in every list view. */
export const MOVES_BY_COMMAND: Partial<Record<StateCommand, Movement>> = {
  'move.up': -1,
  'move.down': 1,
  'move.pageUp': 'pageUp',
  'move.pageDown': 'pageDown',
  'move.home': 'home',
  'move.end': 'end',
};
