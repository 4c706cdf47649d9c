import type { ActorContext } from './actor.js';
import { pause } from './pause.js';
import type { WorkloadSession } from './session.js';

export interface LockChainSessions {
  /** Takes the row lock and holds it: the root. */
  checkout: WorkloadSession;
  /** Waits on checkout. */
  inventory: WorkloadSession;
  /** Waits on inventory (for the tuple lock inventory holds while it waits). */
  refund: WorkloadSession;
}

const PRODUCT = 1;

async function isBlocked(probe: WorkloadSession, pid: number): Promise<boolean> {
  const result = await probe.query<{ waiting: boolean }>('SELECT cardinality(pg_blocking_pids($1)) > 0 AS waiting', [pid]);
  return result.rows[0]?.waiting === true;
}

/** Sends a statement that will wait, without waiting for it; its failure (cancel, terminate, stop) is a value. */
function send(session: WorkloadSession, sql: string): Promise<unknown> {
  return session.query(sql, [PRODUCT]).then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** One chain checkout ← inventory ← refund on product 1, held `lockChainHoldMs`, then released by a commit. */
async function formChain(context: ActorContext, { checkout, inventory, refund }: LockChainSessions): Promise<void> {
  const inventoryPid = (await inventory.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  await refund.open();
  await checkout.query('BEGIN');
  const waiters: Promise<unknown>[] = [];
  let committed = false;
  try {
    await checkout.query('UPDATE products SET stock = stock - 1 WHERE id = $1', [PRODUCT]);
    waiters.push(send(inventory, 'UPDATE products SET stock = stock + 1 WHERE id = $1'));
    // refund must queue behind inventory, not beside it on checkout: wait until inventory waits.
    const deadline = Date.now() + 5000;
    while (inventoryPid !== undefined && !context.signal.aborted && Date.now() < deadline && !(await isBlocked(refund, inventoryPid))) {
      await pause(50, context.signal);
    }
    waiters.push(send(refund, 'UPDATE products SET stock = stock + 1 WHERE id = $1'));
    await Promise.race([pause(context.timings.lockChainHoldMs, context.signal), checkout.whenLost()]);
    if (context.signal.aborted) return;
    await checkout.query('COMMIT');
    committed = true;
  } finally {
    // Whatever went wrong, the root lets go (its connection closes), so the waiters can finish.
    if (!committed) await checkout.reset();
    if (!context.signal.aborted) await Promise.all(waiters);
  }
}

/** A lock chain that forms every `lockChainPeriodMs` (the first after `firstLockChainMs`), until stopped. */
export async function runLockChain(context: ActorContext, sessions: LockChainSessions): Promise<void> {
  const { firstLockChainMs, lockChainPeriodMs } = context.timings;
  await pause(firstLockChainMs, context.signal);
  while (!context.signal.aborted) {
    const started = Date.now();
    try {
      await formChain(context, sessions);
    } catch {
      await Promise.all([sessions.checkout.reset(), sessions.inventory.reset(), sessions.refund.reset()]);
    }
    await pause(Math.max(1000, lockChainPeriodMs - (Date.now() - started)), context.signal);
  }
}
