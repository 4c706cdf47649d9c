/**
 * Free-text matches by row key (a session's pid), kept while the text looked for and the row's texts are
 * the same: the filter then costs a look-up and a comparison of each row's texts with the last ones, not a
 * search through thousands of query texts every frame. Rows a pass did not see are dropped once they are
 * as many as the rows it saw.
 */
export class MatchCache<Row> {
  private needle: string | undefined;
  private readonly entries = new Map<number, Entry<Row>>();
  private pass = 0;
  /** Rows the current pass has seen. */
  private seen = 0;

  /** `same`: whether two rows' texts are the same (the match of one holds for the other). */
  constructor(private readonly same: (a: Row, b: Row) => boolean) {}

  /** How many rows' matches it holds. */
  get size(): number {
    return this.entries.size;
  }

  /** Starts a pass over the rows for `needle`; a different needle forgets every match. */
  begin(needle: string): void {
    if (needle !== this.needle) this.entries.clear();
    else if (this.entries.size > 2 * this.seen) {
      for (const [key, entry] of this.entries) if (entry.pass !== this.pass) this.entries.delete(key);
    }
    this.needle = needle;
    this.pass++;
    this.seen = 0;
  }

  /** The match of the row `key`: remembered when its texts are the ones it had, found by `test` otherwise. */
  match(key: number, row: Row, test: (row: Row) => boolean): boolean {
    this.seen++;
    const entry = this.entries.get(key);
    if (!entry) {
      const match = test(row);
      this.entries.set(key, { row, match, pass: this.pass });
      return match;
    }
    if (entry.row !== row && !this.same(entry.row, row)) entry.match = test(row);
    // The newest row is kept, so that the cache holds no older one.
    entry.row = row;
    entry.pass = this.pass;
    return entry.match;
  }
}

interface Entry<Row> {
  row: Row;
  match: boolean;
  pass: number;
}
