type Fields = readonly (string | null | undefined)[];

interface Entry {
  fields: Fields;
  match: boolean;
}

/**
 * Free-text matches by row key (a session's pid), kept while the text looked for and the row's texts are
 * the same: the filter then costs a comparison of each row's texts with the last ones, not a search
 * through thousands of query texts every frame. Each pass keeps only the rows it saw, so the cache holds
 * at most two passes' rows.
 */
export class MatchCache {
  private needle: string | undefined;
  private previous = new Map<number, Entry>();
  private current = new Map<number, Entry>();

  /** Starts a pass over the rows for `needle`; a different needle forgets every match. */
  begin(needle: string): void {
    this.previous = needle === this.needle ? this.current : new Map();
    this.current = new Map();
    this.needle = needle;
  }

  /** The match of the row `key` with these texts: remembered when they are the ones it had, found by `test` otherwise. */
  match(key: number, fields: Fields, test: (fields: Fields) => boolean): boolean {
    const known = this.current.get(key) ?? this.previous.get(key);
    if (known && sameFields(known.fields, fields)) {
      this.current.set(key, known);
      return known.match;
    }
    const match = test(fields);
    this.current.set(key, { fields, match });
    return match;
  }
}

function sameFields(a: Fields, b: Fields): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
