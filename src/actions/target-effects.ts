import { chosenTarget, matchingTargets } from '../store/targets.js';
import { tell, type EffectContext } from './effect-context.js';

/** Enter in the `:` picker: shows the named target; a name that matches none or several keeps the picker open. */
export function switchTarget(ctx: EffectContext): void {
  const { names, pickerDraft, current } = ctx.getState().targets;
  const draft = (pickerDraft ?? '').trim();
  const name = chosenTarget(draft, names);
  if (name === undefined) {
    const matches = matchingTargets(draft, names);
    const why = matches.length > 1 ? `"${draft}" could be ${matches.join(' or ')}` : `no target is named "${draft}"`;
    return tell(ctx, `${why} (targets: ${names.join(', ')}; Tab completes, Esc cancels)`, 'error');
  }
  ctx.dispatch({ type: 'picker-draft', text: undefined });
  if (name === current) return tell(ctx, `already showing ${name}`);
  ctx.switchTarget?.(name);
}
