import type { ActorContext } from './actor.js';
import { pause } from './pause.js';
import type { WorkloadSession } from './session.js';

/**
 * `billing-batch`: opens a transaction, reads, and then sits idle in it (holding its snapshot) for
 * minutes before it commits and starts over. Terminated from pgtop, it comes back a few seconds later.
 */
export async function runIdleTransaction(context: ActorContext, session: WorkloadSession): Promise<void> {
  while (!context.signal.aborted) {
    try {
      await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await session.query("SELECT count(*) AS unbilled FROM orders WHERE status = 'pending'");
      await Promise.race([pause(context.timings.idleTransactionMs, context.signal), session.whenLost()]);
      if (context.signal.aborted) return;
      await session.query('COMMIT');
    } catch {
      await session.reset();
      await pause(5000, context.signal);
    }
  }
}
