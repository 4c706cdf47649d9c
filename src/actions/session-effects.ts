import { selectedPid } from '../store/reduce.js';
import { clientBehind } from '../store/pools.js';
import type { SessionTarget, SignalKind } from '../store/state.js';
import { sanitizeOneLine } from '../text/sanitize.js';
import { truncate } from '../text/width.js';
import { tell, type EffectContext } from './effect-context.js';
import { signalSessions, summarizeOutcomes } from './signal.js';

const NO_BOUNCER = 'no PgBouncer is connected (start pgtop with --pgbouncer)';

/** Opens the y/N dialog pinned to the targets as they are now: tagged sessions, else the selected one. */
export function confirmSignal(ctx: EffectContext, signal: SignalKind): void {
  const state = ctx.getState();
  if (state.readOnly) return;
  const sessions = state.pg.snapshot?.sessions ?? [];
  const pids = state.view === 'sessions' && state.sessions.tagged.length > 0 ? state.sessions.tagged : [state.detailPid ?? selectedPid(state)];
  const targets: SessionTarget[] = [];
  for (const pid of pids) {
    const s = sessions.find((x) => x.pid === pid);
    if (!s) continue;
    const query = sanitizeOneLine(s.hidden ? '<insufficient privilege>' : (s.query ?? ''));
    targets.push({ pid: s.pid, backendStartUs: s.backendStartUs, user: s.user, database: s.database, queryExcerpt: truncate(query, 120) });
  }
  if (targets.length === 0) return tell(ctx, `no session selected to ${signal}`);
  ctx.dispatch({ type: 'dialog-open', dialog: { kind: 'signal', signal, targets } });
}

export async function runSignal(ctx: EffectContext, signal: SignalKind, targets: SessionTarget[]): Promise<void> {
  ctx.dispatch({ type: 'busy', text: `${signal === 'cancel' ? 'cancelling' : 'terminating'} ${targets.map((t) => t.pid).join(', ')}…` });
  try {
    const outcomes = await signalSessions(ctx.settings, targets, signal, ctx.writeAudit);
    const summary = summarizeOutcomes(outcomes);
    tell(ctx, summary.text, summary.tone);
    ctx.dispatch({ type: 'untag', pids: outcomes.filter((o) => o.result === 'ok' || o.result === 'ended').map((o) => o.pid) });
  } finally {
    ctx.dispatch({ type: 'busy', text: undefined });
    ctx.refresh();
  }
}

/** Opens the y/N dialog for KILL_CLIENT of the PgBouncer client behind the selected session. */
export function confirmKillClient(ctx: EffectContext): void {
  const state = ctx.getState();
  if (state.readOnly) return;
  const snapshot = state.bouncer.snapshot;
  if (!ctx.bouncer || !snapshot) return tell(ctx, NO_BOUNCER);
  if (!snapshot.version.hasKillClient) return tell(ctx, `KILL_CLIENT needs PgBouncer 1.24 or newer; this is ${snapshot.version.text}`, 'error');
  const pid = state.detailPid ?? selectedPid(state);
  const client = pid === undefined ? null : clientBehind(snapshot, pid);
  if (!client || client.id === null) return tell(ctx, `no PgBouncer client is behind session ${pid ?? ''} right now`);
  const label = `client ${client.id} (${client.user}@${client.database} from ${client.addr ?? '?'}, behind pid ${pid})`;
  ctx.dispatch({ type: 'dialog-open', dialog: { kind: 'bouncer', command: { action: 'KILL_CLIENT', target: String(client.id), label } } });
}

export { NO_BOUNCER };
