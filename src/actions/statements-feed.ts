import { ticksFor, type ClockJob } from './clock.js';
import type { StatementsSource } from '../sources/statements/source.js';
import { tableRows } from '../store/layout.js';
import { keysToShow } from '../store/statements-selectors.js';
import type { AppState } from '../store/state.js';
import type { Store } from '../store/store.js';

/** pg_stat_statements is fetched every this many activity ticks, and never more often than this. */
export const STATEMENTS_TICKS = 5;
const MIN_STATEMENTS_MS = 2000;

/**
 * The ticks between two fetches: every fifth; right after a first fetch (no rates yet, only totals) the
 * next comes as soon as MIN_STATEMENTS_MS allows, so that the view shows rates promptly.
 */
export function statementsEvery(state: AppState): number {
  const soonest = ticksFor(MIN_STATEMENTS_MS, state.intervalSeconds);
  return state.statements.rates?.intervalSeconds === null ? soonest : Math.max(STATEMENTS_TICKS, soonest);
}

/**
 * The Statements source's job on the clock, at its slower cadence and only while the view is shown (or
 * `always`: a recording keeps every view's data); and the texts of the rows on screen, fetched when the
 * view shows rows whose texts are not loaded yet (never every text every tick).
 */
export function statementsFeed(source: StatementsSource, store: Store, now: () => number, options: { always?: boolean } = {}): { job: ClockJob; stop: () => void } {
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
  const job: ClockJob = {
    every: () => statementsEvery(state()),
    wanted: () => options.always === true || state().view === 'statements',
    run: async (deliver) => {
      const outcome = await source.tick();
      const at = now();
      if (outcome.kind === 'data') deliver(() => store.dispatch({ type: 'statements-data', snapshot: outcome.data, diagnosis: outcome.diagnosis, at }));
      if (outcome.kind === 'unavailable') {
        deliver(() => store.dispatch({ type: 'statements-unavailable', diagnosis: outcome.diagnosis, at }));
        source.reprobe();
      }
      if (outcome.kind !== 'error') return undefined;
      deliver(() => store.dispatch({ type: 'statements-error', message: outcome.message, retryInMs: outcome.retryInMs, at }));
      return { retryInMs: outcome.retryInMs };
    },
  };
  const unsubscribe = store.subscribe(() => void fetchTexts());
  return { job, stop: unsubscribe };
}
