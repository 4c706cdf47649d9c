import { Box, Text, useInput } from 'ink';
import { useMemo, useSyncExternalStore } from 'react';
import { splitKeys } from '../keymap/keys.js';
import type { Controller } from './controller.js';
import { screenLines, type ScreenExtensions } from './screen-lines.js';

export interface AppProps {
  controller: Controller;
  extensions?: ScreenExtensions;
}

/** The root: reads the state, hands every key to the controller, draws the screen's lines. */
export function App({ controller, extensions }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  useInput((input, key) => {
    for (const press of splitKeys(input, key)) controller.handleKey(press.name, press.input);
  });
  const lines = useMemo(() => screenLines(state, extensions), [state, extensions]);
  return <Lines lines={lines} />;
}

/**
 * The frame, one Text per line. Trailing blanks of a plain line are left out: Ink starts from a blank
 * screen and works per character, so they would only cost time (a coloured line keeps them: the colour
 * codes close after the blanks, so the pattern does not match).
 */
export function Lines({ lines }: { lines: readonly string[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line.replace(/ +$/, '') || ' '}
        </Text>
      ))}
    </Box>
  );
}
