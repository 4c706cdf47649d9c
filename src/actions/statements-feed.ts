import { Poller } from '../sources/poller.js';
import type { StatementsSource } from '../sources/statements/source.js';
import { tableRows } from '../store/layout.js';
import { keysToShow } from '../store/statements-selectors.js';
import type { AppState } from '../store/state.js';
import type { Store } from '../store/store.js';

/** pg_stat_statements is fetched every this many activity ticks, and never more often than this. */
export const STATEMENTS_TICKS = 5;
const MIN_STATEMENTS_MS = 2000;

export const statementsIntervalMs = (state: AppState): number => Math.max(MIN_STATEMENTS_MS, state.intervalSeconds * 1000 * STATEMENTS_TICKS);

/**
 * The Statements source's poller, at its slower cadence; and the texts of the rows on screen, fetched
 * when the view shows rows whose texts are not loaded yet (never every text every tick).
 */
export function statementsFeed(source: StatementsSource, store: Store, now: () => number): { poller: Poller; stop: () => void } {
  const state = store.getState;
  let fetchingTexts = false;
  const fetchTexts = async (): Promise<void> => {
    const current = state();
    if (fetchingTexts || current.view !== 'statements' || !current.statements.rates) return;
    const missing = keysToShow(current.statements, tableRows(current, 'statements')).filter((key) => current.statements.texts[key] === undefined);
    if (missing.length === 0) return;
    fetchingTexts = true;
    try {
      const texts = await source.textsOf(missing);
      // Keys that have no text any more (evicted) are remembered as empty, not asked for again.
      for (const key of missing) if (!texts.has(key)) texts.set(key, '');
      store.dispatch({ type: 'statements-texts', texts: Object.fromEntries(texts) });
    } catch {
      // The next tick or key tries again.
    } finally {
      fetchingTexts = false;
    }
  };
  const poller = new Poller(
    {
      intervalMs: () => statementsIntervalMs(state()),
      paused: () => state().paused,
      tick: async () => {
        const outcome = await source.tick();
        if (outcome.kind === 'data') store.dispatch({ type: 'statements-data', snapshot: outcome.data, diagnosis: outcome.diagnosis, at: now() });
        if (outcome.kind === 'unavailable') {
          store.dispatch({ type: 'statements-unavailable', diagnosis: outcome.diagnosis, at: now() });
          source.reprobe();
        }
        if (outcome.kind !== 'error') return undefined;
        store.dispatch({ type: 'statements-error', message: outcome.message, retryInMs: outcome.retryInMs, at: now() });
        return { retryInMs: outcome.retryInMs };
      },
    },
    now,
  );
  const unsubscribe = store.subscribe(() => void fetchTexts());
  return { poller, stop: unsubscribe };
}
