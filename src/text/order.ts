/**
 * Two texts in the order of their UTF-16 code units, as `<` compares them: the same on every machine, and
 * free of the ICU collation data that `localeCompare` pages in (about 2 MB of the process's memory).
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
