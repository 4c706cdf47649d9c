/**
 * Two texts in the order of their UTF-16 code units, as `<` compares them: deterministic, and free of the
 * ICU collation data that `localeCompare` pages in (about 2 MB of the process's memory) to sort ISO times
 * and file names.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
