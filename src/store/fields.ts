/**
 * What the store knows about a column: its id, the names a `key=value` filter may use for it, and the
 * value it sorts (and filters) by. How a column is titled, sized and drawn is the screen's (ui/columns).
 */
export interface FieldSpec<Row, Id extends string = string> {
  id: Id;
  /** Lower-case names accepted in `key=value` filters besides the id (aliases, then the title). */
  names: readonly string[];
  sortValue: (row: Row) => number | string | null;
}

/** The ids of the fields, in order (the order `<` and `>` cycle through). */
export const fieldIds = <Id extends string>(fields: readonly FieldSpec<unknown, Id>[]): Id[] => fields.map((f) => f.id);
