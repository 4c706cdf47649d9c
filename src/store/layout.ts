import type { AppState } from './state.js';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 20;

export const tooSmall = (state: AppState): boolean => state.terminal.columns < MIN_COLUMNS || state.terminal.rows < MIN_ROWS;
