import { useInput } from './ink.js';
import { useEffect, useMemo } from 'react';
import { splitKeys } from '../keymap/keys.js';
import type { ScreenDriver } from './fleet.js';
import type { FrameWriter } from './frame-writer.js';
import { Painter } from './painter.js';

export interface AppProps {
  controller: ScreenDriver;
  writer: FrameWriter;
}

/** The root: hands every key to the controller; the painter draws the frames, React draws nothing. */
export function App({ controller, writer }: AppProps) {
  const painter = useMemo(() => new Painter(controller.getState, writer), [controller, writer]);
  useEffect(() => {
    const unsubscribe = controller.subscribe(() => painter.request());
    painter.request(true);
    return () => {
      unsubscribe();
      painter.stop();
    };
  }, [controller, painter]);
  useInput((input, key) => {
    for (const press of splitKeys(input, key)) controller.handleKey(press.name, press.input);
    painter.request(true);
  });
  return null;
}
