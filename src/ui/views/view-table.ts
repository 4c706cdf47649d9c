import { sanitizeOneLine } from '../../text/sanitize.js';
import { fit } from '../../text/width.js';
import { theme } from '../theme.js';

/** One column of a small fixed table: a title, a width and how its cells align (the last column takes the rest). */
export interface Column<R> {
  title: string;
  width: number;
  align?: 'left' | 'right';
  cell: (row: R) => string;
}

/** A header line and one line per row, the selected row inverted, each exactly `width` wide. */
export function tableLines<R>(columns: readonly Column<R>[], rows: readonly R[], width: number, selected?: number, tone?: (row: R) => ((s: string) => string) | undefined): string[] {
  const line = (cells: (c: Column<R>) => string): string => {
    let used = 0;
    const parts = columns.map((column, index) => {
      const last = index === columns.length - 1;
      const w = last ? Math.max(0, width - used - 1) : column.width;
      used += w + 1;
      return fit(sanitizeOneLine(cells(column)), w, column.align);
    });
    return fit(` ${parts.join(' ')}`, width);
  };
  const body = rows.map((row, index) => {
    const text = line((c) => c.cell(row));
    if (index === selected) return theme.selected(text);
    const style = tone?.(row);
    return style ? style(text) : text;
  });
  return [theme.heading(line((c) => c.title)), ...body];
}

/** A section title line. */
export const sectionLine = (title: string, width: number): string => theme.title(fit(` ${title}`, width));

/** A dim explanatory line. */
export const noteLine = (text: string, width: number): string => theme.dim(fit(`  ${sanitizeOneLine(text)}`, width));
