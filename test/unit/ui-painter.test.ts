import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, type AppState } from '../../src/store/state.js';
import { FrameWriter } from '../../src/ui/frame-writer.js';
import { Painter } from '../../src/ui/painter.js';
import { waitUntil } from '../helpers/wait.js';

function counting(): { writer: FrameWriter; frames: () => number } {
  let frames = 0;
  const writer = new FrameWriter({ write: () => frames++ });
  return { writer, frames: () => frames };
}

describe('Painter', () => {
  test('a burst of state changes is one frame', async () => {
    let state: AppState = initialState({ intervalSeconds: 2, readOnly: false, columns: 100, rows: 30, target: 't', now: 0 });
    const { writer, frames } = counting();
    const painter = new Painter(() => state, writer);
    for (let i = 1; i <= 100; i++) {
      state = { ...state, now: i * 1000 };
      painter.request();
    }
    await waitUntil(() => frames() > 0, { what: 'the frame' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(frames(), 1);
    painter.stop();
  });

  test('a key press pending with data changes is one frame, not two', async () => {
    let state: AppState = initialState({ intervalSeconds: 2, readOnly: false, columns: 100, rows: 30, target: 't', now: 0 });
    const { writer, frames } = counting();
    const painter = new Painter(() => state, writer);
    painter.request();
    await waitUntil(() => frames() === 1, { what: 'the first frame' });
    state = { ...state, view: 'locks' };
    painter.request();
    painter.request(true);
    await waitUntil(() => frames() === 2, { what: 'the frame of the key' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(frames(), 2);
    painter.stop();
  });

  test('a change after a quiet spell is drawn in the same turn of the event loop, without a timer', async () => {
    const state: AppState = initialState({ intervalSeconds: 2, readOnly: false, columns: 100, rows: 30, target: 't', now: 0 });
    const { writer, frames } = counting();
    const painter = new Painter(() => state, writer);
    const realSetTimeout = globalThis.setTimeout;
    let timers = 0;
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      timers++;
      return realSetTimeout(...args);
    }) as typeof setTimeout;
    try {
      painter.request();
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    await waitUntil(() => frames() === 1, { what: 'the frame' });
    assert.equal(timers, 0, 'a timer for a frame that need not wait wakes the process once more');
    painter.stop();
  });
});
