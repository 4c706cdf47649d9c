import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { findPostgresBinDir } from '../../src/sandbox/binaries.js';
import { createDemoDir, startDemoStack, type DemoStack } from '../../src/sandbox/demo/stack.js';
import { Workload, workloadApplications } from '../../src/sandbox/workload/workload.js';
import { waitUntil } from '../helpers/wait.js';

const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));
const names = Object.values(workloadApplications);

let stack: DemoStack;

before(async () => {
  stack = await startDemoStack({ dir: createDemoDir(), binDir: findPostgresBinDir(), withPgBouncer: false, migrationsDir });
});

after(async () => {
  await stack?.stop();
});

interface Row {
  pid: number;
  application_name: string;
  state: string | null;
  wait_event: string | null;
  blockers: number[];
}

async function workloadSessions(): Promise<Row[]> {
  const result = await stack.postgres.query<Row>(
    'SELECT pid, application_name, state, wait_event, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity WHERE application_name = ANY($1)',
    [names],
    'shop',
  );
  return result.rows;
}

async function stockOfProductOne(): Promise<number> {
  const result = await stack.postgres.query<{ stock: number }>('SELECT stock FROM products WHERE id = 1', [], 'shop');
  return result.rows[0]?.stock ?? Number.NaN;
}

describe('the demo workload', () => {
  test('forms its lock chain, idle transaction and slow query, releases the chain, and stop() closes every session', { timeout: 120_000 }, async () => {
    const stockBefore = await stockOfProductOne();
    const workload = new Workload({
      direct: stack.direct,
      timings: { firstLockChainMs: 0, lockChainHoldMs: 3000, lockChainPeriodMs: 600_000, firstReportMs: 0, firstBurstMs: 600_000 },
    });
    await workload.start();
    try {
      const chain = await waitUntil(
        async () => {
          const rows = await workloadSessions();
          const of = (name: string): Row | undefined => rows.find((row) => row.application_name === name);
          const [a, b, c] = [of(workloadApplications.lockRoot), of(workloadApplications.lockWaiter), of(workloadApplications.lockSecondWaiter)];
          return a && b && c && b.blockers.includes(a.pid) && c.blockers.includes(b.pid) ? { a, b, c } : undefined;
        },
        { what: 'the chain checkout ← inventory ← refund', timeoutMs: 30_000 },
      );
      assert.equal(chain.a.state, 'idle in transaction', 'the root holds its lock idle in a transaction');
      const rows = await waitUntil(
        async () => {
          const all = await workloadSessions();
          const idle = all.some((row) => row.application_name === workloadApplications.idleInTransaction && row.state === 'idle in transaction');
          const slow = all.some((row) => row.application_name === workloadApplications.slow && row.wait_event === 'PgSleep');
          return idle && slow ? all : undefined;
        },
        { what: 'billing-batch idle in transaction and a report in pg_sleep', timeoutMs: 30_000 },
      );
      assert.ok(rows.filter((row) => row.application_name === workloadApplications.fast).length >= 3, 'the storefront sessions are connected');
      await waitUntil(async () => (await stockOfProductOne()) === stockBefore + 1, { what: 'the chain to release: -1 by checkout, +1 by inventory, +1 by refund', timeoutMs: 30_000 });
      assert.deepEqual((await workloadSessions()).filter((row) => row.blockers.length > 0), [], 'nothing waits after the release');
    } finally {
      await workload.stop();
    }
    await workload.stop();
    // The server notices a closed connection within client_connection_check_interval, even mid-query.
    await waitUntil(async () => (await workloadSessions()).length === 0, { what: 'every session of the workload to end on the server', timeoutMs: 10_000 });
  });
});
