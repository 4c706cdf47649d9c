/** How one column of a table is titled, sized and drawn (its sort value is the store's). Text returned is already sanitised. */
export interface ColumnSpec<Row, Id extends string = string> {
  id: Id;
  title: string;
  width: number;
  align: 'left' | 'right';
  /** Lower comes first when the terminal is too narrow for every column. */
  priority: number;
  /** The column that takes the remaining width. */
  flex?: boolean;
  /** The cell's text; `width` is the cell's, for a long text that need only be read that far. */
  text: (row: Row, width: number) => string;
}

export const SEPARATOR_WIDTH = 1;

/**
 * Which columns fit in `width`, in display order, with the widths they get: columns are dropped from
 * the lowest priority until the flexible one keeps at least `minFlex` columns.
 */
export function layoutColumns<Row, Id extends string>(
  columns: readonly ColumnSpec<Row, Id>[],
  width: number,
  minFlex = 16,
): { column: ColumnSpec<Row, Id>; width: number }[] {
  const byPriority = [...columns].sort((a, b) => a.priority - b.priority);
  const kept = new Set<ColumnSpec<Row, Id>>();
  let used = 0;
  for (const column of byPriority) {
    if (column.flex) {
      kept.add(column);
      continue;
    }
    const cost = column.width + SEPARATOR_WIDTH;
    if (used + cost + minFlex <= width) {
      kept.add(column);
      used += cost;
    }
  }
  return columns
    .filter((c) => kept.has(c))
    .map((column) => ({ column, width: column.flex ? Math.max(1, width - used) : column.width }));
}
