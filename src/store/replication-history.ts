import { walRate } from '../sources/replication/read.js';
import type { ReplicationSnapshot } from '../sources/replication/types.js';
import type { ReplicationState } from './state.js';

const HISTORY = 60;

/** A new replication reading: the WAL rate against the previous one, and each standby's replay lag appended. */
export function receiveReplication(state: ReplicationState, snapshot: ReplicationSnapshot): ReplicationState {
  const history: Record<string, number[]> = {};
  for (const standby of snapshot.standbys) {
    history[standby.name] = [...(state.replayLagHistory[standby.name] ?? []), standby.replayLagBytes ?? 0].slice(-HISTORY);
  }
  return { ...state, snapshot, walBytesPerSecond: walRate(state.snapshot, snapshot), replayLagHistory: history, error: undefined };
}
