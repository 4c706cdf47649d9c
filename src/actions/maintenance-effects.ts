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

/** Applies the pending migrations (or upgrades the Alembic project) once the typed name is the database's. */
export function applyIfNamed(ctx: EffectContext, dialog: Extract<Dialog, { kind: 'migrate' }>): void {
  if (dialog.typed !== dialog.database) return tell(ctx, `"${dialog.typed}" is not the database name (${dialog.database}): nothing was applied`, 'error');
  const { dir, alembic } = ctx.getState().migrations;
  if (dialog.alembic && alembic) return ctx.jobs.startAlembic(alembic.path, { revisions: dialog.alembic.revisions.map((r) => r.revision), dryRun: false });
  ctx.jobs.startMigration(dir, dialog.steps.map((s) => s.version));
}

export function cancelMigration(ctx: EffectContext): void {
  if (ctx.jobs.cancelMigration()) tell(ctx, 'cancelling the migration run…');
  else tell(ctx, 'no migration is running');
}

/** An Alembic project's dry run: the SQL of Alembic's offline mode, shown in the view; nothing changes. */
export function alembicDryRun(ctx: EffectContext): void {
  const alembic = ctx.getState().migrations.alembic;
  if (!alembic) return tell(ctx, 'the plan of pgtop\'s own migrations is shown by a before anything runs (dry run: pgtop migrate up --dry-run)');
  if (ctx.jobs.migrationRunning) return tell(ctx, 'a migration run is already under way');
  ctx.jobs.startAlembic(alembic.path, { dryRun: true });
}
