import type { AppState, Dialog } from '../store/state.js';
import { POOL_COMMANDS, type ActionCommand, type PoolCommand } from './commands.js';
import { tell, type EffectContext } from './effect-context.js';
import type { Intent, IntentKind } from './intents.js';
import { alembicDryRun, applyIfNamed, cancelBackup, cancelMigration, confirmApply, confirmBackup, verifySelectedBackup } from './maintenance-effects.js';
import { confirmPoolAction, runBouncer } from './pool-effects.js';
import { confirmDropSlot, confirmRelease, runDropSlot, runRollbackPrepared } from './horizon-effects.js';
import { confirmKillClient, confirmSignal, runSignal } from './session-effects.js';
import { confirmStatementsReset, runStatementsReset, showPlan } from './statements-effects.js';
import { switchTarget } from './target-effects.js';
import { TIMELINE_HANDLERS } from './timeline-effects.js';

type Handler = (ctx: EffectContext) => void;

const poolHandlers = Object.fromEntries(
  Object.entries(POOL_COMMANDS).map(([command, action]) => [command, (ctx: EffectContext) => confirmPoolAction(ctx, action)]),
) as Record<PoolCommand, Handler>;

/** Every action command's handler: a command without one does not compile. */
export const ACTION_HANDLERS: Record<ActionCommand, Handler> = {
  'session.cancel': (ctx) => confirmSignal(ctx, 'cancel'),
  'session.terminate': (ctx) => confirmSignal(ctx, 'terminate'),
  'session.killClient': confirmKillClient,
  ...poolHandlers,
  'migrations.apply': confirmApply,
  'migrations.cancel': cancelMigration,
  'migrations.dryRun': alembicDryRun,
  'backups.start': confirmBackup,
  'backups.cancel': cancelBackup,
  'backups.verify': verifySelectedBackup,
  'statements.reset': confirmStatementsReset,
  'plan.show': (ctx) => void showPlan(ctx),
  ...TIMELINE_HANDLERS,
  'replication.dropSlot': confirmDropSlot,
  'vacuum.release': confirmRelease,
  quit: confirmQuit,
};

/** What quitting would cancel on this screen: a migration or a backup still running, if any. */
export function runningJobIn(state: AppState): string | undefined {
  if (state.migrations.run && !state.migrations.run.finished) return 'a migration';
  const alembicRun = state.migrations.alembic?.run;
  if (alembicRun && !alembicRun.finished) return alembicRun.dryRun ? 'an Alembic dry run' : 'an Alembic upgrade';
  if (state.backups.job && !state.backups.job.finished) return 'a backup';
  return undefined;
}

/** Quits at once, unless that would cancel a migration or a backup: then it asks first. */
function confirmQuit(ctx: EffectContext): void {
  const running = runningJobIn(ctx.getState()) ?? ctx.runningElsewhere?.();
  if (!running || ctx.getState().dialog?.kind === 'quit') return ctx.quit();
  ctx.dispatch({ type: 'dialog-open', dialog: { kind: 'quit', running } });
}

type DialogOf<K extends Dialog['kind']> = Extract<Dialog, { kind: K }>;

/** What yes does for each dialog, and what no says. */
const DIALOGS: { [K in Dialog['kind']]: { confirm: (ctx: EffectContext, dialog: DialogOf<K>) => void; declined: (dialog: DialogOf<K>) => string | undefined } } = {
  signal: { confirm: (ctx, d) => void runSignal(ctx, d.signal, d.targets), declined: (d) => `${d.signal} not confirmed: nothing was done` },
  bouncer: { confirm: (ctx, d) => void runBouncer(ctx, d.command), declined: (d) => `${d.command.action} not confirmed: nothing was done` },
  migrate: { confirm: applyIfNamed, declined: () => 'apply not confirmed: nothing was done' },
  backup: { confirm: (ctx) => ctx.jobs.startBackup(ctx.getState().backups.dir), declined: () => 'backup not confirmed: nothing was done' },
  quit: { confirm: (ctx) => ctx.quit(), declined: (d) => `not quitting: ${d.running} goes on` },
  'statements-reset': { confirm: (ctx) => void runStatementsReset(ctx), declined: () => 'reset not confirmed: nothing was done' },
  'drop-slot': { confirm: (ctx, d) => void runDropSlot(ctx, d), declined: (d) => `drop of slot ${d.slot.name} not confirmed: nothing was dropped` },
  'rollback-prepared': { confirm: (ctx, d) => void runRollbackPrepared(ctx, d), declined: (d) => `ROLLBACK PREPARED ${d.prepared.gid} not confirmed: nothing was rolled back` },
  help: { confirm: () => undefined, declined: () => undefined },
  messages: { confirm: () => undefined, declined: () => undefined },
};

function answerDialog(ctx: EffectContext, yes: boolean): void {
  const dialog = ctx.getState().dialog;
  if (!dialog) return;
  ctx.dispatch({ type: 'dialog-close' });
  const entry = DIALOGS[dialog.kind] as { confirm: (ctx: EffectContext, dialog: Dialog) => void; declined: (dialog: Dialog) => string | undefined };
  if (yes) return entry.confirm(ctx, dialog);
  const said = entry.declined(dialog);
  if (said) tell(ctx, said);
}

/** Every intent's handler: an intent kind without one does not compile. */
const INTENT_HANDLERS: { [K in IntentKind]: (ctx: EffectContext, intent: Extract<Intent, { kind: K }>) => void } = {
  dispatch: (ctx, intent) => ctx.dispatch(intent.event),
  act: (ctx, intent) => ACTION_HANDLERS[intent.command](ctx),
  confirm: (ctx) => answerDialog(ctx, true),
  decline: (ctx) => answerDialog(ctx, false),
  dismiss: (ctx) => {
    ctx.dispatch({ type: 'dialog-close' });
    tell(ctx, 'the terminal is too small to show the dialog: nothing was done');
  },
  'switch-target': (ctx) => switchTarget(ctx),
  goto: (ctx, intent) => ctx.timeline?.goto(intent.text),
  none: () => undefined,
};

export function runIntent(ctx: EffectContext, intent: Intent): void {
  (INTENT_HANDLERS[intent.kind] as (ctx: EffectContext, intent: Intent) => void)(ctx, intent);
}
