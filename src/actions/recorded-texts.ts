import type { StatementsSource } from '../sources/statements/source.js';
import type { StatementRates } from '../store/statement-rates.js';
import type { Store } from '../store/store.js';

/** The statements whose texts a recording holds: the busiest by time, and by calls, in each fetch's rates. */
export const RECORDED_BY_TIME = 50;
export const RECORDED_BY_CALLS = 20;

/** The keys of the statements that matter in these rates: the busiest by execution time, then by calls. */
export function statementsThatMatter(rates: StatementRates): string[] {
  const rows = rates.rows;
  const time = (r: (typeof rows)[number]): number => r.execMsPerSecond ?? r.entry.counters.totalExecMs;
  const calls = (r: (typeof rows)[number]): number => r.callsPerSecond ?? r.entry.counters.calls;
  const byTime = [...rows].sort((a, b) => time(b) - time(a)).slice(0, RECORDED_BY_TIME);
  const byCalls = [...rows].sort((a, b) => calls(b) - calls(a)).slice(0, RECORDED_BY_CALLS);
  return [...new Set([...byTime, ...byCalls].map((r) => r.entry.key))];
}

/**
 * Puts the texts of the statements that matter into the recording, as `statements-texts` events: each
 * text once per chunk (`chunk` says which chunk is being gathered), so that a replay that reads only the
 * chunks around a time has them, and no text is stored every fetch. The texts come from the source's
 * cache; only the ones it has not seen are asked for. Returns the unsubscribe.
 */
export function recordStatementTexts(source: StatementsSource, store: Store, chunk: () => number): () => void {
  let written = new Set<string>();
  let writtenIn = -1;
  let fetching = false;
  const unwritten = (keys: readonly string[]): string[] => {
    if (chunk() !== writtenIn) {
      written = new Set();
      writtenIn = chunk();
    }
    return keys.filter((key) => !written.has(key));
  };
  const record = async (rates: StatementRates): Promise<void> => {
    if (fetching || unwritten(statementsThatMatter(rates)).length === 0) return;
    fetching = true;
    try {
      const keys = statementsThatMatter(rates);
      const texts = await source.textsOf(keys);
      // A key without a text any more (evicted) is recorded as empty: not asked for again in this chunk.
      const fresh = unwritten(keys);
      if (fresh.length === 0) return;
      for (const key of fresh) written.add(key);
      store.dispatch({ type: 'statements-texts', texts: Object.fromEntries(fresh.map((key) => [key, texts.get(key) ?? ''])) });
    } catch {
      // The next fetch of pg_stat_statements tries again.
    } finally {
      fetching = false;
    }
  };
  return store.subscribe((state, previous) => {
    const rates = state.statements.rates;
    if (rates && rates !== previous.statements.rates) void record(rates);
  });
}
