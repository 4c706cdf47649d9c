import type { BouncerDatabaseAction } from '../db/admin-commands.js';
import { selectedPool } from '../store/reduce.js';
import type { BouncerTarget } from '../store/state.js';
import { tell, type EffectContext } from './effect-context.js';
import { NO_BOUNCER } from './session-effects.js';

/** How long a PAUSE may wait before the footer is freed and the pause shown as pending. */
const PENDING_AFTER_MS = 300;

/** Opens the y/N dialog for an admin command on the selected pool's database. */
export function confirmPoolAction(ctx: EffectContext, action: BouncerDatabaseAction): void {
  const state = ctx.getState();
  if (state.readOnly) return;
  if (!ctx.bouncer) return tell(ctx, NO_BOUNCER);
  const pool = selectedPool(state);
  if (!pool) return tell(ctx, `no pool selected to ${action}`);
  ctx.dispatch({ type: 'dialog-open', dialog: { kind: 'bouncer', command: { action, target: pool.database, label: `database ${pool.database}` } } });
}

export async function runBouncer(ctx: EffectContext, command: BouncerTarget): Promise<void> {
  const actions = ctx.bouncer;
  if (!actions) return;
  const refreshPending = (): void => ctx.dispatch({ type: 'bouncer-pending', databases: actions.pendingPauses() });
  ctx.dispatch({ type: 'busy', text: `${command.action} ${command.target}…` });
  const running = actions.run(command.action, command.target);
  // A PAUSE may wait for transactions: show it as pending and free the footer meanwhile.
  setTimeout(() => {
    refreshPending();
    if (ctx.getState().bouncer.pendingPauses.length > 0) ctx.dispatch({ type: 'busy', text: undefined });
  }, PENDING_AFTER_MS).unref?.();
  const result = await running;
  refreshPending();
  ctx.dispatch({ type: 'busy', text: undefined });
  if (result.ok) tell(ctx, `${command.action} ${command.target}: done`, 'ok');
  else tell(ctx, result.message, 'error');
  ctx.refresh();
}
