/** Reading one cell of an admin console row: text in, a typed value (or null when absent) out. */

export type AdminTextRow = Readonly<Record<string, string | null | undefined>>;

export class PgBouncerParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgBouncerParseError';
  }
}

export function text(row: AdminTextRow, column: string): string | null {
  const value = row[column];
  return value === undefined || value === null || value === '' ? null : value;
}

export function requiredText(row: AdminTextRow, column: string, what: string): string {
  const value = row[column];
  if (value === undefined || value === null) throw new PgBouncerParseError(`${what}: column "${column}" missing`);
  return value;
}

export function integer(row: AdminTextRow, column: string): number | null {
  const value = text(row, column)?.trim();
  if (!value || !/^-?\d+$/.test(value)) return null;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : null;
}

export function requiredInteger(row: AdminTextRow, column: string, what: string): number {
  const value = integer(row, column);
  if (value === null) throw new PgBouncerParseError(`${what}: column "${column}" missing or not an integer (${String(row[column])})`);
  return value;
}

export function flag(row: AdminTextRow, column: string): boolean | null {
  const value = integer(row, column);
  return value === null ? null : value !== 0;
}

/** A non-negative integer as an exact decimal string (leading zeros dropped), or null. */
export function counter(row: AdminTextRow, column: string): string | null {
  const value = text(row, column)?.trim();
  if (!value) return null;
  const match = /^(\d+)(?:\.0*)?$/.exec(value);
  return match ? match[1]!.replace(/^0+(?=\d)/, '') : null;
}

export function average(row: AdminTextRow, column: string): number | null {
  const value = text(row, column)?.trim();
  if (!value) return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

export function atLeast(version: { major: number; minor: number }, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}
