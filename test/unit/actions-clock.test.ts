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

  test('the next tick is set as a tick starts and left alone when the lead answers in time', async () => {
    let ticks = 0;
    const seen: (number | undefined)[] = [];
    const started: number[] = [];
    const clock: Clock = new Clock({
      lead: {
        every: () => 1,
        run: async () => {
          started.push(Date.now());
          seen.push(clock.nextTickAt());
          await new Promise((resolve) => setImmediate(resolve));
          ticks++;
          return undefined;
        },
      },
      jobs: [],
      intervalMs: () => 20,
    });
    const cleared: unknown[] = [];
    const clearTimeoutBefore = globalThis.clearTimeout;
    globalThis.clearTimeout = ((timer?: NodeJS.Timeout) => {
      if (timer) cleared.push(timer);
      clearTimeoutBefore(timer);
    }) as typeof clearTimeout;
    clock.start();
    try {
      await waitUntil(() => ticks >= 5, { what: 'five ticks' });
    } finally {
      globalThis.clearTimeout = clearTimeoutBefore;
      clock.stop();
    }
    assert.deepEqual(cleared, [], 'no tick timer is cleared and set again while the lead answers in time');
    for (const [i, due] of seen.entries()) {
      assert.ok(due !== undefined && Math.abs(due - (started[i] ?? 0) - 20) <= 5, `tick ${i}: the next is due an interval after its start (${due} against ${started[i]})`);
    }
  });

  test('a lead overdue moves the time each interval, and the next tick comes as soon as it is in', async () => {
    let release: (() => void) | undefined;
    let leads = 0;
    let late = 0;
    const clock = new Clock({
      lead: {
        every: () => 1,
        run: async () => {
          leads++;
          if (leads === 1) await new Promise<void>((resolve) => (release = resolve));
          return undefined;
        },
      },
      jobs: [],
      intervalMs: () => 10,
      late: () => void late++,
    });
    clock.start();
    try {
      await waitUntil(() => late >= 3, { what: 'three intervals overdue' });
      assert.equal(leads, 1, 'no tick starts while the lead still reads');
      assert.equal(clock.nextTickAt(), undefined, 'no tick is due while the lead is overdue');
      release?.();
      await waitUntil(() => leads >= 2, { what: 'the tick after the overdue lead' });
    } finally {
      clock.stop();
    }
  });

  test('the ticks that make a duration', () => {
    assert.equal(ticksFor(5000, 1), 5);
    assert.equal(ticksFor(5000, 2), 3);
    assert.equal(ticksFor(15_000, 0.5), 30);
    assert.equal(ticksFor(500, 2), 1);
  });
});
