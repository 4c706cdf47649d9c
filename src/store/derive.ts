import type { BlockingEdge, Rates, ServerInfo, Session, StateCounts } from '../sources/types.js';

const isClient = (s: Session): boolean => s.backendType === 'client backend' || (s.backendType === null && s.database !== null);

/** Counts by sessions list: a tick's list is counted once, however many frames and summaries read it. */
const countedLists = new WeakMap<readonly Session[], Readonly<StateCounts>>();

/** Sessions by state, client backends only; `waiting` counts those waiting on a lock. The result is shared: do not change it. */
export function countStates(sessions: readonly Session[]): Readonly<StateCounts> {
  const known = countedLists.get(sessions);
  if (known) return known;
  const counts = count(sessions);
  countedLists.set(sessions, counts);
  return counts;
}

function count(sessions: readonly Session[]): StateCounts {
  const counts: StateCounts = { total: 0, active: 0, idle: 0, idleInTransaction: 0, waiting: 0, other: 0 };
  for (const s of sessions) {
    if (!isClient(s)) continue;
    counts.total++;
    if (s.waitEventType === 'Lock' || s.blockedBy.length > 0) counts.waiting++;
    if (s.state === 'active') counts.active++;
    else if (s.state === 'idle') counts.idle++;
    else if (s.state === 'idle in transaction' || s.state === 'idle in transaction (aborted)') counts.idleInTransaction++;
    else counts.other++;
  }
  return counts;
}

/** TPS and cache-hit ratio from the counters of two consecutive ticks (by the server's clock). */
export function computeRates(previous: ServerInfo | undefined, current: ServerInfo): Rates {
  if (!previous) return { tps: null, hitRatio: null };
  const seconds = (Date.parse(current.now) - Date.parse(previous.now)) / 1000;
  if (!(seconds > 0)) return { tps: null, hitRatio: null };
  const xacts = current.xactTotal - previous.xactTotal;
  const hits = current.blocksHit - previous.blocksHit;
  const reads = current.blocksRead - previous.blocksRead;
  // A counter that went backwards means a stats reset or a restart: no rate for this interval.
  if (xacts < 0 || hits < 0 || reads < 0) return { tps: null, hitRatio: null };
  return { tps: xacts / seconds, hitRatio: hits + reads > 0 ? hits / (hits + reads) : null };
}

export function blockingEdges(sessions: readonly Session[]): BlockingEdge[] {
  return sessions.flatMap((s) => s.blockedBy.map((blocker) => ({ waiter: s.pid, blocker })));
}
