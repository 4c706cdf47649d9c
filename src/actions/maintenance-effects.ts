import { resolveSelection } from '../store/selection.js';
import type { Dialog } from '../store/state.js';
import { tell, type EffectContext } from './effect-context.js';

type DialogOrReason = { dialog: Dialog } | { message: string; error?: boolean };

function openOrTell(ctx: EffectContext, outcome: DialogOrReason): void {
  if ('dialog' in outcome) ctx.dispatch({ type: 'dialog-open', dialog: outcome.dialog });
  else tell(ctx, outcome.message, outcome.error ? 'error' : 'info');
}

export function confirmApply(ctx: EffectContext): void {
  if (ctx.getState().readOnly) return;
  openOrTell(ctx, ctx.jobs.applyDialog(ctx.getState()));
}

export function confirmBackup(ctx: EffectContext): void {
  if (ctx.getState().readOnly) return;
  openOrTell(ctx, ctx.jobs.backupDialog(ctx.getState().backups.dir));
}

export function cancelBackup(ctx: EffectContext): void {
  if (!ctx.jobs.cancelBackup()) tell(ctx, 'no backup is running');
}

export function verifySelectedBackup(ctx: EffectContext): void {
  const backups = ctx.getState().backups;
  const rows = backups.list ?? [];
  const picked = rows[resolveSelection(rows.map((r) => r.file), backups.selection, 1).index];
  if (!picked) return tell(ctx, 'no dump selected to verify');
  if (backups.verifying) return tell(ctx, `already verifying ${backups.verifying}`);
  void ctx.jobs.verify(backups.dir, picked.file);
}

/** Applies the pending migrations once the typed name is the database's. */
export function applyIfNamed(ctx: EffectContext, dialog: Extract<Dialog, { kind: 'migrate' }>): void {
  if (dialog.typed !== dialog.database) return tell(ctx, `"${dialog.typed}" is not the database name (${dialog.database}): nothing was applied`, 'error');
  ctx.jobs.startMigration(ctx.getState().migrations.dir, dialog.steps.map((s) => s.version));
}
