import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameWriter } from '../../src/ui/frame-writer.js';

function recorder(): { writes: string[]; write(text: string): void } {
  const writes: string[] = [];
  return { writes, write: (text: string) => void writes.push(text) };
}

describe('FrameWriter', () => {
  test('the first frame clears the screen and draws every line at its row', () => {
    const out = recorder();
    new FrameWriter(out).draw(['aaa', 'bbb'], 3, 5);
    assert.equal(out.writes.length, 1);
    assert.match(out.writes[0] ?? '', /\x1b\[H\x1b\[2J/);
    assert.match(out.writes[0] ?? '', /\x1b\[1;1H\x1b\[0maaa/);
    assert.match(out.writes[0] ?? '', /\x1b\[2;1H\x1b\[0mbbb/);
  });

  test('a later frame rewrites only the lines that changed, and nothing when none did', () => {
    const out = recorder();
    const writer = new FrameWriter(out);
    writer.draw(['aaa', 'bbb', 'ccc'], 3, 5);
    writer.draw(['aaa', 'BBB', 'ccc'], 3, 5);
    assert.equal(out.writes.length, 2);
    const second = out.writes[1] ?? '';
    assert.match(second, /\x1b\[2;1H\x1b\[0mBBB/);
    assert.doesNotMatch(second, /aaa|ccc|\x1b\[2J/);
    writer.draw(['aaa', 'BBB', 'ccc'], 3, 5);
    assert.equal(out.writes.length, 2, 'an unchanged frame writes nothing');
  });

  test('lines the new frame no longer has are erased; a new size redraws everything from a clear screen', () => {
    const out = recorder();
    const writer = new FrameWriter(out);
    writer.draw(['aaa', 'bbb', 'ccc'], 3, 5);
    writer.draw(['aaa'], 3, 5);
    assert.match(out.writes[1] ?? '', /\x1b\[2;1H\x1b\[0m\x1b\[2K/);
    assert.match(out.writes[1] ?? '', /\x1b\[3;1H\x1b\[0m\x1b\[2K/);
    writer.draw(['aaa'], 4, 5);
    assert.match(out.writes[2] ?? '', /\x1b\[2J/);
    assert.match(out.writes[2] ?? '', /aaa/);
  });

  test('invalidate() makes the next frame whole again', () => {
    const out = recorder();
    const writer = new FrameWriter(out);
    writer.draw(['aaa'], 3, 5);
    writer.invalidate();
    writer.draw(['aaa'], 3, 5);
    assert.equal(out.writes.length, 2);
  });
});
