import type { PlanResult } from '../plan/explain.js';
import type { StatementsDiagnosis, StatementsSnapshot } from '../sources/statements/types.js';
import type { StatementRates } from './statement-rates.js';
import type { StatementColumnId, StatementsMode } from './statement-fields.js';

export interface SelectionLike {
  key: string | number | undefined;
  index: number;
  top: number;
}

/** A plan shown over a detail: what it is of, and how it ended. */
export interface PlanPanel {
  of: string;
  result: PlanResult | undefined;
}

export interface StatementsState {
  snapshot: StatementsSnapshot | undefined;
  rates: StatementRates | undefined;
  /** Why the view cannot show (all of) pg_stat_statements; null when nothing is missing. */
  diagnosis: StatementsDiagnosis | null;
  /** True when the diagnosis leaves nothing to show (not preloaded, not installed). */
  unavailable: boolean;
  lastGoodAt: number | undefined;
  error: { message: string; since: number; retryInMs: number } | undefined;
  /** Texts fetched so far, by entry key. */
  texts: Readonly<Record<string, string>>;
  /** The last reset seen (stats_reset moved between two fetches): marked on screen. */
  resetAt: string | null;
  mode: StatementsMode;
  selection: SelectionLike;
  sortColumn: StatementColumnId;
  sortDescending: boolean;
  filter: string;
  filterDraft: string | undefined;
  /** The statement whose detail is open. */
  detailKey: string | undefined;
  /** First line of the detail's text shown. */
  detailScroll: number;
  /**
   * The session whose statement the view opens when the next fetch comes in: its query id was not in the
   * last fetch, which may be old (pg_stat_statements is read only while the view is shown).
   */
  jumpFrom: number | undefined;
}

export function initialStatementsState(): StatementsState {
  return {
    snapshot: undefined,
    rates: undefined,
    diagnosis: null,
    unavailable: false,
    lastGoodAt: undefined,
    error: undefined,
    texts: {},
    resetAt: null,
    mode: 'rates',
    selection: { key: undefined, index: 0, top: 0 },
    sortColumn: 'time',
    sortDescending: true,
    filter: '',
    filterDraft: undefined,
    detailKey: undefined,
    detailScroll: 0,
    jumpFrom: undefined,
  };
}
