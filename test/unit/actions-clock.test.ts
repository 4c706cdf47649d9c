import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Clock, ticksFor, type ClockJob } from '../../src/actions/clock.js';
import { waitUntil } from '../helpers/wait.js';

describe('the one clock', () => {
  test('each job runs on whole ticks, with the lead; one not wanted does not run', async () => {
    let ticks = 0;
    const ran: Record<string, number[]> = { every3: [], afterLead: [], unwanted: [] };
    const job = (name: string, every: number, extra: Partial<ClockJob> = {}): ClockJob => ({
      every: () => every,
      run: () => {
        ran[name]?.push(ticks);
        return Promise.resolve(undefined);
      },
      ...extra,
    });
    const clock = new Clock({
      lead: { every: () => 1, run: () => Promise.resolve(void ticks++) },
      jobs: [job('every3', 3), job('afterLead', 4, { afterLead: true }), job('unwanted', 1, { wanted: () => false })],
      intervalMs: () => 5,
    });
    clock.start();
    try {
      await waitUntil(() => ticks >= 12, { what: 'twelve ticks' });
    } finally {
      clock.stop();
    }
    assert.deepEqual(ran.every3?.slice(0, 4), [1, 4, 7, 10]);
    assert.deepEqual(ran.afterLead?.slice(0, 3), [1, 5, 9]);
    assert.deepEqual(ran.unwanted, []);
  });

  test("what the readings started with the lead bring is handed over together, in one turn of the event loop", async () => {
    const events: string[] = [];
    let done = false;
    const clock = new Clock({
      lead: {
        every: () => 1,
        run: (deliver) => {
          deliver(() => {
            events.push('lead');
            queueMicrotask(() => events.push('next turn'));
          });
          return Promise.resolve(undefined);
        },
      },
      jobs: [
        {
          every: () => 1,
          run: async (deliver) => {
            await new Promise((resolve) => setImmediate(resolve));
            deliver(() => events.push('job'));
            done = true;
            return undefined;
          },
        },
      ],
      intervalMs: () => 60_000,
    });
    clock.start();
    try {
      await waitUntil(() => done && events.length >= 3, { what: 'the first tick' });
    } finally {
      clock.stop();
    }
    assert.deepEqual(events.slice(0, 3), ['lead', 'job', 'next turn']);
  });

  test('the ticks that make a duration', () => {
    assert.equal(ticksFor(5000, 1), 5);
    assert.equal(ticksFor(5000, 2), 3);
    assert.equal(ticksFor(15_000, 0.5), 30);
    assert.equal(ticksFor(500, 2), 1);
  });
});
