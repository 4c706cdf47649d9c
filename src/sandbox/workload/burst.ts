import type { ActorContext } from './actor.js';
import { pause } from './pause.js';
import type { WorkloadSession } from './session.js';

/**
 * `flash-sale`: every `burstPeriodMs` (the first after `firstBurstMs`), all its clients run
 * pg_sleep(burstSleepSeconds) at once: through a small PgBouncer pool, most of them wait for a server.
 */
export async function runBursts(context: ActorContext, clients: WorkloadSession[]): Promise<void> {
  const { firstBurstMs, burstPeriodMs, burstSleepSeconds } = context.timings;
  await pause(firstBurstMs, context.signal);
  while (!context.signal.aborted) {
    const started = Date.now();
    await Promise.all(clients.map((client) => client.query('SELECT pg_sleep($1)', [burstSleepSeconds]).catch(() => undefined)));
    await pause(Math.max(1000, burstPeriodMs - (Date.now() - started)), context.signal);
  }
}
