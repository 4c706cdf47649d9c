import type { ViewId } from '../store/state.js';
import { VIEWS, VIEW_TITLES } from '../store/state.js';
import { BINDINGS, bindingsFor, type Binding } from './bindings.js';
import { keyLabel } from './keys.js';
import type { TimelineMode } from '../store/timeline.js';

export const keysOf = (b: Binding): string => b.keys.map(keyLabel).join(' ');

/** The help overlay's lines for a view: every key that works there. */
export function helpEntries(view: ViewId, readOnly: boolean, timeline: TimelineMode = 'live'): { keys: string; description: string }[] {
  return bindingsFor(view, readOnly, timeline).map((b) => ({ keys: keysOf(b), description: b.description }));
}

/** The footer's hints: the keys with a short label that work in this view. */
export function footerHints(view: ViewId, readOnly: boolean, timeline: TimelineMode = 'live'): { keys: string; label: string }[] {
  return bindingsFor(view, readOnly, timeline)
    .filter((b) => b.hint)
    .map((b) => ({ keys: keyLabel(b.keys[0] ?? ''), label: b.hint ?? '' }));
}

/** The README's key table, generated from the same bindings. */
export function keysMarkdownTable(): string {
  const where = (b: Binding): string =>
    !b.views ? 'all' : b.views.length === VIEWS.length ? 'all' : b.views.map((v) => VIEW_TITLES[v]).join(', ');
  const when = (b: Binding): string => (!b.timeline || b.timeline.length === 3 ? 'all' : b.timeline.join(', '));
  const rows = BINDINGS.map((b) => `| ${b.keys.map((k) => `\`${keyLabel(k)}\``).join(' ')} | ${b.description} | ${where(b)} | ${when(b)} | ${b.dangerous ? 'yes' : ''} |`);
  return ['| key | does | views | live, replay, rewind | changes the server (absent with `--read-only`, in a replay and while rewinding) |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
