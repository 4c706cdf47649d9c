import { useInput } from 'ink';
import { useLayoutEffect, useMemo, useSyncExternalStore } from 'react';
import { splitKeys } from '../keymap/keys.js';
import type { Controller } from './controller.js';
import type { FrameWriter } from './frame-writer.js';
import { screenLines } from './screen-lines.js';

export interface AppProps {
  controller: Controller;
  writer: FrameWriter;
}

/** The root: reads the state, hands every key to the controller, and draws the screen's lines. */
export function App({ controller, writer }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  useInput((input, key) => {
    for (const press of splitKeys(input, key)) controller.handleKey(press.name, press.input);
  });
  const lines = useMemo(() => screenLines(state), [state]);
  const { columns, rows } = state.terminal;
  useLayoutEffect(() => writer.draw(lines, columns, rows), [writer, lines, columns, rows]);
  return null;
}
