import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { OperationError, errorMessage } from '../errors.js';
import { ChunkBuilder, FORMAT, FRAME_CHUNK, FRAME_END, encodeFrame, encodeHeader, type RecordedEvent, type RecordingHeader } from './format.js';
import { pruneSegments, rotatedName } from './segments.js';

export interface WriterOptions {
  path: string;
  header: Omit<RecordingHeader, 'format'>;
  /** A chunk is written (and synced) when it spans this much recorded time. */
  chunkMs: number;
  /** The file is rotated when it reaches this size (bytes); never when absent. */
  maxBytes?: number;
  /** Rotated files older than this (ms) are deleted; none when absent. */
  keepMs?: number;
  now?: () => number;
}

const clockOf = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

/**
 * Appends events to a recording in chunks. A file already at the path is rotated away first (it may end
 * with a crash: it stays readable as it is). A write that fails (a full disk) stops the recording: the
 * half-written chunk is cut off, so what was written before stays readable.
 */
export class RecordingWriter {
  private fd: number | undefined;
  private offset = 0;
  private pending = new ChunkBuilder();
  private lastAt: number | undefined;
  private chunksWritten = 0;
  private readonly now: () => number;

  constructor(private readonly options: WriterOptions) {
    this.now = options.now ?? Date.now;
    if (existsSync(options.path) && statSync(options.path).size > 0) renameSync(options.path, rotatedName(options.path, this.now()));
    this.start();
  }

  get path(): string {
    return this.options.path;
  }

  /** Which chunk the events appended now go to (it grows by one at each chunk written). */
  get chunk(): number {
    return this.chunksWritten;
  }

  /** Adds an event; writes the chunk when it spans the chunk's time. */
  append(event: RecordedEvent): void {
    if (this.fd === undefined) return;
    this.pending.add(event);
    const first = this.pending.first ?? event.at;
    if (event.at - first >= this.options.chunkMs) this.flush();
  }

  /** Writes what is gathered as one chunk, synced; rotates the file when it is over its size. */
  flush(): void {
    if (this.fd === undefined || this.pending.size === 0) return;
    const chunk = this.pending;
    this.pending = new ChunkBuilder();
    this.chunksWritten += 1;
    const first = chunk.first ?? 0;
    const last = chunk.last ?? first;
    this.write(encodeFrame(FRAME_CHUNK, first, last, chunk.encode()));
    this.lastAt = last;
    if (this.options.maxBytes !== undefined && this.offset >= this.options.maxBytes) this.rotate();
  }

  /** Writes the last chunk and the end mark: a recording without it was stopped by a crash. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    if (this.fd === undefined) return;
    this.write(encodeFrame(FRAME_END, this.lastAt ?? 0, this.lastAt ?? 0, Buffer.alloc(0)));
    closeSync(this.fd);
    this.fd = undefined;
  }

  private start(): void {
    this.fd = openSync(this.options.path, 'w', 0o600);
    this.offset = 0;
    this.write(encodeHeader({ format: FORMAT, ...this.options.header, createdAt: new Date(this.now()).toISOString() }));
    if (this.options.keepMs !== undefined) pruneSegments(this.options.path, this.now() - this.options.keepMs);
  }

  private rotate(): void {
    this.close();
    renameSync(this.options.path, rotatedName(this.options.path, this.now()));
    this.start();
  }

  private write(bytes: Buffer): void {
    const fd = this.fd;
    if (fd === undefined) return;
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, this.offset + written);
      fsyncSync(fd);
      this.offset += bytes.length;
    } catch (error) {
      this.stopAfterFailure(fd, error);
    }
  }

  private stopAfterFailure(fd: number, error: unknown): never {
    this.fd = undefined;
    try {
      ftruncateSync(fd, this.offset);
      closeSync(fd);
    } catch {
      // The file keeps what was synced; a reader stops at the cut-off chunk.
    }
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EFBIG' || code === 'EDQUOT' ? 'the file size limit or the disk quota is reached' : `cannot write: ${errorMessage(error)}`;
    const upTo = this.lastAt === undefined ? 'nothing was recorded yet' : `what was recorded up to ${clockOf(this.lastAt)} UTC is readable (pgtop replay ${this.options.path})`;
    throw new OperationError(`${why} (${this.options.path}): the recording stopped; ${upTo}`);
  }
}
