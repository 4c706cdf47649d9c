import type { PgSnapshot, Session, WaitingLock } from '../sources/types.js';

/** One line of the blocking tree: a session, how deep it sits, and the lock it waits for. */
export interface LockTreeRow {
  pid: number;
  depth: number;
  session: Session | undefined;
  /** The lock this session waits for (none for a root blocker). */
  waiting: WaitingLock | undefined;
  /** Every session this one waits on (the tree shows it under one of them). */
  blockedBy: number[];
  /** How many sessions wait on this one, directly or not. */
  blocking: number;
  isLast: boolean;
  /** For drawing: whether each ancestor level still has siblings below. */
  guides: boolean[];
  /**
   * Set when this blocker is a standby's startup process replaying WAL: the relation(s) its replayed locks
   * hold that the sessions below wait for. Nothing can be cancelled or terminated there.
   */
  walReplay: { relations: string[] } | undefined;
}

/** Whether the session is a standby's startup process (WAL replay), which no signal may be sent to. */
export function isWalReplay(session: Session | undefined): boolean {
  return session?.backendType === 'startup';
}

/** The relations (or lock objects) that the sessions waiting on `pid` wait for. */
function conflictsWith(pid: number, snapshot: PgSnapshot): string[] {
  const waiters = new Set(snapshot.sessions.filter((s) => s.blockedBy.includes(pid)).map((s) => s.pid));
  const targets = (snapshot.waitingLocks ?? []).filter((l) => waiters.has(l.pid)).map((l) => l.relation ?? l.object ?? l.lockType);
  return [...new Set(targets)].sort();
}

/**
 * The blocking tree from pg_blocking_pids(): each root blocker (blocks others, waits on nobody) with
 * the sessions waiting on it nested below. A waiter with several blockers is placed under the one that
 * is itself waiting, so a chain A ← B ← C reads as a chain; the others are listed in `blockedBy`.
 */
export function lockTreeRows(snapshot: PgSnapshot | undefined): LockTreeRow[] {
  if (!snapshot) return [];
  const byPid = new Map(snapshot.sessions.map((s) => [s.pid, s]));
  const waitingByPid = new Map<number, WaitingLock>();
  for (const lock of snapshot.waitingLocks ?? []) if (!waitingByPid.has(lock.pid)) waitingByPid.set(lock.pid, lock);

  const children = new Map<number, number[]>();
  const hasParent = new Set<number>();
  for (const s of snapshot.sessions) {
    if (s.blockedBy.length === 0) continue;
    const parent = s.blockedBy.find((b) => (byPid.get(b)?.blockedBy.length ?? 0) > 0) ?? s.blockedBy[0];
    if (parent === undefined) continue;
    hasParent.add(s.pid);
    const list = children.get(parent) ?? [];
    list.push(s.pid);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a - b);

  const countBelow = (pid: number, seen: Set<number>): number => {
    let n = 0;
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      n += 1 + countBelow(child, seen);
    }
    return n;
  };

  // Roots: sessions that block someone and wait on nobody (a waiter with two blockers makes both roots).
  // In a cycle (a deadlock about to be broken) no one qualifies, so any member not yet drawn becomes a root.
  const blockers = [...new Set(snapshot.sessions.flatMap((s) => s.blockedBy))].sort((a, b) => a - b);
  const roots = blockers.filter((pid) => (byPid.get(pid)?.blockedBy.length ?? 0) === 0);
  const rows: LockTreeRow[] = [];
  const drawn = new Set<number>();
  const walk = (pid: number, depth: number, isLast: boolean, guides: boolean[]): void => {
    if (drawn.has(pid)) return;
    drawn.add(pid);
    const session = byPid.get(pid);
    rows.push({
      pid,
      depth,
      session,
      waiting: waitingByPid.get(pid),
      blockedBy: session?.blockedBy ?? [],
      blocking: countBelow(pid, new Set([pid])),
      isLast,
      guides,
      walReplay: isWalReplay(session) ? { relations: conflictsWith(pid, snapshot) } : undefined,
    });
    const kids = (children.get(pid) ?? []).filter((k) => !drawn.has(k));
    kids.forEach((child, i) => walk(child, depth + 1, i === kids.length - 1, [...guides, !isLast]));
  };
  for (const root of roots) walk(root, 0, true, []);
  for (const pid of blockers) walk(pid, 0, true, []);
  return rows;
}

/** The tree-drawing prefix of a row: `├─ `, `└─ `, with `│  ` for open ancestors. */
export function treePrefix(row: LockTreeRow): string {
  if (row.depth === 0) return '';
  const ancestors = row.guides.slice(1).map((open) => (open ? '│  ' : '   ')).join('');
  return `${ancestors}${row.isLast ? '└─ ' : '├─ '}`;
}
