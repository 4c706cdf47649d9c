import { bodyHeight } from '../store/layout.js';
import type { AppState, ViewId } from '../store/state.js';
import { VIEWS, VIEW_TITLES } from '../store/state.js';
import { BINDINGS, bindingsFor, type Binding } from './bindings.js';
import { keyLabel } from './keys.js';
import { timelineMode, type TimelineMode } from '../store/timeline.js';

export const keysOf = (b: Binding): string => b.keys.map(keyLabel).join(' ');

/** The help overlay's lines for a view: every key that works there. */
export function helpEntries(view: ViewId, readOnly: boolean, timeline: TimelineMode = 'live'): { keys: string; description: string }[] {
  return bindingsFor(view, readOnly, timeline).map((b) => ({ keys: keysOf(b), description: b.description }));
}

/** The help overlay's frame: its borders, a blank line and the line saying how to close it. */
const HELP_FRAME_LINES = 4;

/**
 * The page of help entries shown now: one column when they fit the screen, else two columns a page, as
 * many pages as needed.
 */
export function helpPage(state: AppState): { entries: { keys: string; description: string }[]; columns: 1 | 2; page: number; pages: number } {
  const entries = helpEntries(state.view, state.readOnly, timelineMode(state));
  const room = Math.max(1, bodyHeight(state) - HELP_FRAME_LINES);
  if (entries.length <= room) return { entries, columns: 1, page: 0, pages: 1 };
  const perPage = room * 2;
  const pages = Math.ceil(entries.length / perPage);
  const requested = state.dialog?.kind === 'help' ? (state.dialog.page ?? 0) : 0;
  const page = Math.min(Math.max(0, requested), pages - 1);
  return { entries: entries.slice(page * perPage, (page + 1) * perPage), columns: 2, page, pages };
}

/** The hints a footer keeps at any width: how to find every other key, and how to leave. */
const ESSENTIAL_HINTS = new Set<Binding['command']>(['help', 'quit']);

/**
 * The footer's hints: the keys with a short label that work in this view. Essential ones are never dropped;
 * `acts` marks the view's actions on a server, kept before the other hints when the line is short.
 */
export function footerHints(view: ViewId, readOnly: boolean, timeline: TimelineMode = 'live'): { keys: string; label: string; essential: boolean; acts: boolean }[] {
  return bindingsFor(view, readOnly, timeline)
    .filter((b) => b.hint)
    .map((b) => ({ keys: keyLabel(b.keys[0] ?? ''), label: b.hint ?? '', essential: ESSENTIAL_HINTS.has(b.command), acts: b.dangerous === true }));
}

/** The README's key table, generated from the same bindings. */
export function keysMarkdownTable(): string {
  const where = (b: Binding): string =>
    !b.views ? 'all' : b.views.length === VIEWS.length ? 'all' : b.views.map((v) => VIEW_TITLES[v]).join(', ');
  const when = (b: Binding): string => (!b.timeline || b.timeline.length === 3 ? 'all' : b.timeline.join(', '));
  const rows = BINDINGS.map((b) => `| ${b.keys.map((k) => `\`${keyLabel(k)}\``).join(' ')} | ${b.description} | ${where(b)} | ${when(b)} | ${b.dangerous ? 'yes' : ''} |`);
  return ['| key | does | views | live, replay, rewind | changes the server (absent with `--read-only`, in a replay and while rewinding) |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
