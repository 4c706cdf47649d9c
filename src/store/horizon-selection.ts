import type { SlotRow } from '../sources/replication/types.js';
import type { HorizonHolder } from '../sources/vacuum/types.js';
import { tableRows } from './layout.js';
import { resolveSelection } from './selection.js';
import type { AppState } from './state.js';

/** What identifies a horizon holder in view 8's list (and its selection). */
export const holderKey = (holder: HorizonHolder): string => `${holder.kind}:${holder.id}`;

/** The replication slot selected in view 7, if any. */
export function selectedSlot(state: AppState): SlotRow | undefined {
  const slots = state.replication.snapshot?.slots ?? [];
  return slots[resolveSelection(slots.map((s) => s.name), state.replication.selection, tableRows(state, 'replication')).index];
}

/** The xmin horizon holder selected in view 8, if any. */
export function selectedHolder(state: AppState): HorizonHolder | undefined {
  const holders = state.vacuum.snapshot?.horizon ?? [];
  return holders[resolveSelection(holders.map(holderKey), state.vacuum.selection, tableRows(state, 'vacuum')).index];
}
