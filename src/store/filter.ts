import type { FieldSpec } from './fields.js';
import type { MatchCache } from './match-cache.js';
import { byCodeUnits } from '../text/order.js';

export interface ParsedFilter {
  /** `key=value` terms: the column and the lower-cased text its value must contain. */
  terms: { columnId: string; needle: string }[];
  /** Free text: lower-cased, matched against each row's free-text fields. */
  text: string;
  /** Keys that name no column, to tell the user. */
  unknownKeys: string[];
}

/** Parses `app=api state=active update orders` into column terms and free text. */
export function parseFilter<Row>(filter: string, columns: readonly FieldSpec<Row>[]): ParsedFilter {
  const terms: ParsedFilter['terms'] = [];
  const free: string[] = [];
  const unknownKeys: string[] = [];
  for (const word of filter.trim().split(/\s+/).filter(Boolean)) {
    const match = /^([A-Za-z_]+)=(.*)$/.exec(word);
    if (!match) {
      free.push(word);
      continue;
    }
    const key = (match[1] ?? '').toLowerCase();
    const column =
      columns.find((c) => c.id.toLowerCase() === key) ??
      columns.find((c) => c.names.includes(key));
    if (column) terms.push({ columnId: column.id, needle: (match[2] ?? '').toLowerCase() });
    else {
      unknownKeys.push(key);
      free.push(word);
    }
  }
  return { terms, text: free.join(' ').toLowerCase(), unknownKeys };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A row predicate for a parsed filter. `freeText` gives the fields free text is looked for in; they are
 * searched case-insensitively as they are, without lower-cased copies (thousands of long queries a tick).
 * With `memo`, a row's free-text match is remembered by its key until its texts or the text looked for
 * change; each call starts a pass of the cache.
 */
export function makeRowFilter<Row>(
  parsed: ParsedFilter,
  columns: readonly FieldSpec<Row>[],
  freeText: (row: Row) => readonly (string | null | undefined)[],
  memo?: { cache: MatchCache<Row>; key: (row: Row) => number },
): (row: Row) => boolean {
  const termColumns = parsed.terms.map((t) => ({ column: columns.find((c) => c.id === t.columnId), needle: t.needle }));
  const text = parsed.text === '' ? undefined : new RegExp(escapeRegExp(parsed.text), 'i');
  const search = (fields: readonly (string | null | undefined)[]): boolean => text === undefined || fields.some((field) => field != null && text.test(field));
  const searchRow = (row: Row): boolean => search(freeText(row));
  if (memo && text) memo.cache.begin(parsed.text);
  return (row) => {
    for (const { column, needle } of termColumns) {
      if (!column) continue;
      const value = column.sortValue(row);
      const haystack = value === null ? '' : String(value).toLowerCase();
      // A number column matches exactly (pid=12 is not pid 123); text columns by substring.
      if (typeof value === 'number' ? haystack !== needle : !haystack.includes(needle)) return false;
    }
    if (text === undefined) return true;
    return memo ? memo.cache.match(memo.key(row), row, searchRow) : searchRow(row);
  };
}

export function compareValues(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return byCodeUnits(String(a), String(b));
}

/** Sorts by one column (nulls always last), ties broken by `tieKey` ascending. */
export function sortRows<Row>(rows: Row[], value: (row: Row) => number | string | null, descending: boolean, tieKey: (row: Row) => number): Row[] {
  const keyed = rows.map((row) => ({ row, key: value(row), tie: tieKey(row) }));
  keyed.sort((x, y) => {
    if (x.key === null && y.key !== null) return 1;
    if (y.key === null && x.key !== null) return -1;
    const order = compareValues(x.key, y.key);
    if (order !== 0) return descending ? -order : order;
    return x.tie - y.tie;
  });
  return keyed.map((k) => k.row);
}
