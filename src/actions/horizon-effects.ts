import { describeTarget } from '../config/resolve.js';
import type { HorizonHolder } from '../sources/vacuum/types.js';
import { selectedHolder, selectedSlot } from '../store/horizon-selection.js';
import { poolLookup } from '../store/pools.js';
import type { AppState, Dialog, SessionTarget, SlotTarget } from '../store/state.js';
import { sanitizeOneLine } from '../text/sanitize.js';
import { truncate } from '../text/width.js';
import { tell, type EffectContext } from './effect-context.js';
import { dropSlot, rollbackPrepared, type HorizonOutcome } from './horizon.js';

/** What a release key does: open a dialog for it, or say why there is nothing to do here. */
export type ReleaseStep = { dialog: Dialog } | { message: string; tone: 'info' | 'error' };

const activeSlotMessage = (name: string, pid: number | null): string =>
  `slot ${name} is active (pid ${pid ?? '?'}): a slot in use cannot be dropped; stop its consumer (standby or subscriber) first`;

/** The drop dialog for a slot, or why it cannot be dropped: an active slot is refused before any dialog. */
export function dropSlotStep(state: AppState, name: string, fallback: Omit<SlotTarget, 'name'>, activePid: number | null, target: string): ReleaseStep {
  const row = state.replication.snapshot?.slots.find((s) => s.name === name);
  const pid = row ? row.activePid : activePid;
  if (row?.active || pid !== null) return { message: activeSlotMessage(name, pid), tone: 'error' };
  const slot: SlotTarget = row ? { name, type: row.type, database: row.database, retainedBytes: row.retainedBytes } : { name, ...fallback };
  return { dialog: { kind: 'drop-slot', slot, target, typed: '' } };
}

/** The session behind a holder, pinned to its backend_start as the Sessions view's terminate pins it. */
function holderSession(state: AppState, holder: HorizonHolder, pid: number): SessionTarget {
  return {
    pid,
    backendStartUs: holder.backendStartUs,
    queryStartUs: null,
    user: holder.owner,
    database: holder.database,
    queryExcerpt: truncate(sanitizeOneLine(holder.description), 120),
    pool: poolLookup(state.bouncer.snapshot)(pid),
  };
}

/** What releases the selected holder of view 8: a dialog naming it, or what to do elsewhere. */
export function releaseStep(state: AppState, holder: HorizonHolder, target: string): ReleaseStep {
  switch (holder.release) {
    case 'terminate':
      if (holder.pid === null) return { message: `session ${holder.id} has no pid to terminate`, tone: 'error' };
      return { dialog: { kind: 'signal', signal: 'terminate', targets: [holderSession(state, holder, holder.pid)] } };
    case 'rollback-prepared':
      if (!holder.database) return { message: `prepared transaction ${holder.id} has no database to roll it back from`, tone: 'error' };
      return {
        dialog: {
          kind: 'rollback-prepared',
          prepared: { gid: holder.id, database: holder.database, owner: holder.owner, ageXids: holder.ageXids, ageSeconds: holder.ageSeconds },
          target,
        },
      };
    case 'drop-slot':
      // Only a standby's hot_standby_feedback sets a physical slot's xmin: the standby is where it is released.
      if (holder.kind === 'slot' && holder.pid !== null) {
        return { message: `slot ${holder.id}'s xmin is its standby's hot_standby_feedback: end the long queries on the standby (or turn the feedback off there)`, tone: 'info' };
      }
      return dropSlotStep(state, holder.id, { type: null, database: holder.database, retainedBytes: null }, holder.pid, target);
    case 'standby':
      return {
        message: `standby ${holder.id}'s hot_standby_feedback holds it: end the long queries on the standby (or turn the feedback off there)`,
        tone: 'info',
      };
  }
}

function openOrTell(ctx: EffectContext, step: ReleaseStep): void {
  if ('dialog' in step) ctx.dispatch({ type: 'dialog-open', dialog: step.dialog });
  else tell(ctx, step.message, step.tone);
}

/** View 7: the drop dialog for the selected slot (typed name), unless it is active. */
export function confirmDropSlot(ctx: EffectContext): void {
  const state = ctx.getState();
  if (state.readOnly) return;
  const slot = selectedSlot(state);
  if (!slot) return tell(ctx, 'no replication slot selected to drop');
  openOrTell(ctx, dropSlotStep(state, slot.name, { type: slot.type, database: slot.database, retainedBytes: slot.retainedBytes }, slot.activePid, describeTarget(ctx.settings)));
}

/** View 8: the action that releases the selected horizon holder. */
export function confirmRelease(ctx: EffectContext): void {
  const state = ctx.getState();
  if (state.readOnly) return;
  const holder = selectedHolder(state);
  if (!holder) return tell(ctx, 'nothing holds the xmin horizon back: nothing to release');
  openOrTell(ctx, releaseStep(state, holder, describeTarget(ctx.settings)));
}

async function runHorizonAction(ctx: EffectContext, busy: string, work: () => Promise<HorizonOutcome>): Promise<void> {
  ctx.dispatch({ type: 'busy', text: busy });
  try {
    const outcome = await work();
    tell(ctx, outcome.message, outcome.result === 'ok' ? 'ok' : 'error');
  } finally {
    ctx.dispatch({ type: 'busy', text: undefined });
    ctx.refresh();
  }
}

/** Drops the slot with what was typed: anything but its exact name is refused (and nothing is dropped). */
export async function runDropSlot(ctx: EffectContext, dialog: Extract<Dialog, { kind: 'drop-slot' }>): Promise<void> {
  const { slot, typed } = dialog;
  await runHorizonAction(ctx, `dropping slot ${slot.name}…`, () => dropSlot(ctx.settings, { slot: slot.name, typed, database: slot.database }, ctx.writeAudit));
}

export async function runRollbackPrepared(ctx: EffectContext, dialog: Extract<Dialog, { kind: 'rollback-prepared' }>): Promise<void> {
  const { gid, database } = dialog.prepared;
  await runHorizonAction(ctx, `rolling back prepared transaction ${gid}…`, () => rollbackPrepared(ctx.settings, { gid, database }, ctx.writeAudit));
}
