/** The two pg_dump output formats pgtop writes. */
export type DumpFormat = 'custom' | 'directory';

export const DUMP_FORMATS: readonly DumpFormat[] = ['custom', 'directory'];

const extensionOf: Record<DumpFormat, string> = { custom: '.dump', directory: '.dir' };

export const PARTIAL_SUFFIX = '.partial';
export const MANIFEST_SUFFIX = '.manifest.json';

/**
 * The database name as it appears in a file name: letters, digits, `_` and `-` kept, anything else
 * (dots, slashes, spaces, non-ASCII) becomes `_`, and a leading `-` too, so no name reads as an option.
 * The manifest keeps the exact name; this part only helps a person find the file.
 */
export function fileSafeDatabaseName(database: string): string {
  const safe = database.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^-/, '_');
  return safe === '' ? '_' : safe;
}

/** `20261128T120431Z`: UTC, second precision, sorts as text in time order. */
export function compactTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * `shop-20261128T120431Z.dump` (custom) or `shop-20261128T120431Z.dir` (directory). `sequence` > 0 is
 * added (`shop-20261128T120431Z-2.dump`) only when a name for that second is already taken.
 */
export function dumpFileName(database: string, format: DumpFormat, at: Date, sequence = 0): string {
  const suffix = sequence > 0 ? `-${sequence}` : '';
  return `${fileSafeDatabaseName(database)}-${compactTimestamp(at)}${suffix}${extensionOf[format]}`;
}

export interface ParsedDumpName {
  /** The database part of the name (file-safe, so not always the exact database name). */
  databasePart: string;
  takenAt: Date;
  sequence: number;
  format: DumpFormat;
}

const namePattern = /^(.+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-(\d+))?\.(dump|dir)$/;

/** Reads a name made by dumpFileName; undefined for any other name. */
export function parseDumpFileName(name: string): ParsedDumpName | undefined {
  const match = namePattern.exec(name);
  if (!match) return undefined;
  const [, databasePart = '', year, month, day, hour, minute, second, sequence, extension] = match;
  const takenAt = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  if (Number.isNaN(takenAt.getTime())) return undefined;
  return {
    databasePart,
    takenAt,
    sequence: sequence ? Number(sequence) : 0,
    format: extension === 'dir' ? 'directory' : 'custom',
  };
}

export function partialNameFor(dumpName: string): string {
  return `${dumpName}${PARTIAL_SUFFIX}`;
}

export function manifestNameFor(dumpName: string): string {
  return `${dumpName}${MANIFEST_SUFFIX}`;
}
