import { displayWidth, fit } from '../../text/width.js';
import { layoutColumns, type ColumnSpec } from '../columns/types.js';
import { theme } from '../theme.js';

export interface TableOptions<Row> {
  width: number;
  height: number;
  top: number;
  selectedIndex: number | undefined;
  /** A one-character mark before each row (tag, tree), or a space. */
  mark?: (row: Row) => string;
  /** Colour for a whole row that is not selected. */
  colour?: (row: Row) => ((s: string) => string) | undefined;
  sortColumn?: string;
  sortDescending?: boolean;
  /** Columns the flexible column keeps at least before others give way; 30% of the width by default. */
  minFlex?: number;
}

const layoutCache = new Map<string, ReturnType<typeof layoutColumns>>();

/** Column widths for this terminal width, computed once per (columns, width, minimum flexible width). */
function cachedLayout<Row, Id extends string>(columns: readonly ColumnSpec<Row, Id>[], width: number, minFlex = Math.max(20, Math.floor(width * 0.3))): { column: ColumnSpec<Row, Id>; width: number }[] {
  const key = `${columns.map((c) => `${c.id}:${c.title}:${c.priority}`).join(',')}@${width}/${minFlex}`;
  let layout = layoutCache.get(key);
  if (!layout) {
    if (layoutCache.size > 64) layoutCache.clear();
    layout = layoutColumns(columns as readonly ColumnSpec<unknown>[], width, minFlex);
    layoutCache.set(key, layout);
  }
  return layout as { column: ColumnSpec<Row, Id>; width: number }[];
}

/** The title line, ending in `+N cols` over its trailing blanks when N columns did not fit. */
function withHiddenCount(titles: string, hidden: number): string {
  if (hidden <= 0) return titles;
  const mark = `+${hidden} col${hidden === 1 ? '' : 's'} `;
  const trimmed = titles.trimEnd();
  const room = displayWidth(titles) - displayWidth(trimmed);
  return room > mark.length ? `${trimmed}${' '.repeat(room - mark.length)}${mark}` : titles;
}

/**
 * A table as lines of exactly `width` columns: the title line, then only the visible window of rows
 * (`height` of them from `top`). Cells are cut by display width, so wide characters never overflow.
 */
export function renderTable<Row, Id extends string>(columns: readonly ColumnSpec<Row, Id>[], rows: readonly Row[], options: TableOptions<Row>): string[] {
  const inner = options.width - 1;
  const layout = cachedLayout(columns, inner, options.minFlex);
  const titles = layout
    .map(({ column, width }) => {
      const arrow = column.id === options.sortColumn ? (options.sortDescending ? '▼' : '▲') : '';
      return fit(arrow ? `${column.title}${arrow}` : column.title, width, column.align);
    })
    .join(' ');
  const lines = [theme.heading(withHiddenCount(fit(` ${titles}`, options.width), columns.length - layout.length))];
  // Every cell is exactly its column's width, so a row's width is known without measuring it.
  const cellsWidth = layout.reduce((sum, { width }) => sum + width, 0) + Math.max(0, layout.length - 1);
  const end = Math.min(rows.length, options.top + options.height);
  for (let i = options.top; i < end; i++) {
    const row = rows[i] as Row;
    const cells = layout.map(({ column, width }) => fit(column.text(row, width), width, column.align)).join(' ');
    const mark = options.mark?.(row) ?? ' ';
    const line = `${mark}${cells}`;
    const used = displayWidth(mark) + cellsWidth;
    const text = used === options.width ? line : used < options.width ? line + ' '.repeat(options.width - used) : fit(line, options.width);
    if (i === options.selectedIndex) lines.push(theme.selected(text));
    else lines.push(options.colour?.(row)?.(text) ?? text);
  }
  return lines;
}
