import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OperationError } from '../../errors.js';
import { sha256OfDump } from '../files/checksum.js';
import { sizeOnDisk } from '../files/disk-size.js';
import type { DumpFormat } from '../files/naming.js';

const run = promisify(execFile);

export interface ArchiveListing {
  /** Entries in the archive's table of contents. */
  entries: number;
  /** Of those, TABLE DATA entries (one per table with rows to restore). */
  tableDataEntries: number;
}

export interface VerifyResult {
  listEntries: number;
  tableDataEntries: number;
  /** pg_restore read every byte of every entry without an error. */
  fullRead: true;
  sha256: string;
  sizeBytes: number;
  verifiedAt: string;
  durationMs: number;
}

/** A dump that did not pass verification; `stderrTail` holds pg_restore's last lines. */
export class VerifyError extends OperationError {
  constructor(message: string, readonly stderrTail: string[], options?: { cause?: unknown }) {
    super(message, options);
  }
}

interface ExecFailure {
  stderr?: string;
  code?: number | string;
  signal?: string | null;
  name?: string;
  message?: string;
}

function tailOf(text: string | undefined, lines = 40): string[] {
  return (text ?? '').split('\n').filter((line) => line.trim() !== '').slice(-lines);
}

async function pgRestore(program: string, args: string[], signal: AbortSignal | undefined): Promise<string> {
  try {
    const { stdout } = await run(program, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...(signal ? { signal } : {}) });
    return stdout;
  } catch (error) {
    const failure = error as ExecFailure;
    if (failure.name === 'AbortError') throw error;
    const stderr = tailOf(failure.stderr);
    const how = failure.signal ? `was killed by ${failure.signal}` : `exited with code ${failure.code ?? '?'}`;
    throw new VerifyError(`pg_restore ${args.join(' ')} ${how}${stderr.length ? `:\n  ${stderr.join('\n  ')}` : ''}`, stderr, { cause: error });
  }
}

/** `pg_restore --list`: reads the table of contents only, so a file cut short after it still passes. */
export async function listArchive(program: string, path: string, signal?: AbortSignal): Promise<ArchiveListing> {
  const listing = await pgRestore(program, ['--list', path], signal);
  const entries = listing.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';'));
  return { entries: entries.length, tableDataEntries: entries.filter((line) => / TABLE DATA /.test(line)).length };
}

/** `pg_restore -f /dev/null`: reads and decompresses every entry, as a restore would. */
export async function readArchiveFully(program: string, path: string, signal?: AbortSignal): Promise<void> {
  await pgRestore(program, ['--file=/dev/null', path], signal);
}

/** Lists the archive, reads it fully, and takes its size and sha256. Throws VerifyError when it is unreadable. */
export async function verifyDump(options: { path: string; format: DumpFormat; pgRestore: string; signal?: AbortSignal }): Promise<VerifyResult> {
  const started = Date.now();
  const listing = await listArchive(options.pgRestore, options.path, options.signal);
  await readArchiveFully(options.pgRestore, options.path, options.signal);
  const sha256 = await sha256OfDump(options.path, options.format);
  const sizeBytes = await sizeOnDisk(options.path);
  return {
    listEntries: listing.entries,
    tableDataEntries: listing.tableDataEntries,
    fullRead: true,
    sha256,
    sizeBytes,
    verifiedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
  };
}
