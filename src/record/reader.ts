import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { FILE_MAGIC, FORMAT, FRAME_CHUNK, FRAME_END, FRAME_HEADER_BYTES, FRAME_MAGIC, decodeChunk, type KeepEvent, type RecordedEvent, type RecordingHeader } from './format.js';

/** One chunk of a recording: the time it spans, and its events, read and decoded when asked for. */
export interface ChunkRef {
  first: number;
  last: number;
  /** Where it is (for messages): `FILE at byte N`. */
  place: string;
  /** Its events (only those `keep` wants, when given). */
  load: (keep?: KeepEvent) => RecordedEvent[];
}

/** A recording opened for replay: its chunks in time order (the index), and what stopped the reading early. */
export interface Recording {
  header: RecordingHeader;
  chunks: ChunkRef[];
  /** Damage or a missing end, one line each, saying where the replay stops. */
  notices: string[];
}

/** A chunk that cannot be decoded: the replay stops before it. */
export class DamagedChunkError extends Error {}

const clockOf = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, offset + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

function readHeader(path: string, fd: number): { header: RecordingHeader; offset: number } {
  const fixed = readAt(fd, 0, 14);
  if (fixed.length < 14 || fixed.toString('latin1', 0, 8) !== FILE_MAGIC) throw new UsageError(`${path} is not a pgtop recording (pgtop record FILE makes one)`);
  const format = fixed.readUInt16BE(8);
  const length = fixed.readUInt32BE(10);
  let header: Partial<RecordingHeader> = {};
  try {
    header = JSON.parse(readAt(fd, 14, length).toString('utf8')) as Partial<RecordingHeader>;
  } catch {
    if (format <= FORMAT) throw new UsageError(`${path}: the recording's header is damaged; nothing in it can be replayed`);
  }
  if (format > FORMAT) {
    throw new UsageError(`${path} was recorded by a newer pgtop (${header.pgtop ?? 'unknown version'}, recording format ${format}); this pgtop reads formats 1 to ${FORMAT}: upgrade pgtop to replay it`);
  }
  return { header: { ...header, format } as RecordingHeader, offset: 14 + length };
}

/** Reads a file's frame headers only (25 bytes a chunk): the index a seek uses. */
export function openRecordingFile(path: string): Recording {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UsageError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    const { header, offset: start } = readHeader(path, fd);
    const size = fstatSync(fd).size;
    const chunks: ChunkRef[] = [];
    const notices: string[] = [];
    let offset = start;
    let closed = false;
    const stoppedAt = (): string => (chunks.length > 0 ? `the replay ends at ${clockOf(chunks[chunks.length - 1]!.last)} UTC` : 'nothing before it can be replayed');
    while (offset < size && !closed) {
      const head = readAt(fd, offset, FRAME_HEADER_BYTES);
      if (head.length === FRAME_HEADER_BYTES && head.toString('latin1', 0, 4) !== FRAME_MAGIC) {
        notices.push(`${path} is damaged at byte ${offset} (not a chunk): ${stoppedAt()}`);
        break;
      }
      const length = head.length === FRAME_HEADER_BYTES ? head.readUInt32BE(5) : 0;
      if (head.length < FRAME_HEADER_BYTES || offset + FRAME_HEADER_BYTES + length > size) {
        notices.push(`${path} is cut off at byte ${offset} (a chunk was being written): ${stoppedAt()}`);
        break;
      }
      const kind = head.readUInt8(4);
      if (kind === FRAME_END) closed = true;
      if (kind === FRAME_CHUNK) chunks.push(chunkAt(path, offset + FRAME_HEADER_BYTES, length, head.readDoubleBE(9), head.readDoubleBE(17)));
      offset += FRAME_HEADER_BYTES + length;
    }
    if (!closed && notices.length === 0) notices.push(`${path} was not closed (still being recorded, or the recorder was killed): ${stoppedAt()}; what came after is lost`);
    return { header, chunks, notices };
  } finally {
    closeSync(fd);
  }
}

function chunkAt(path: string, offset: number, length: number, first: number, last: number): ChunkRef {
  const place = `${path} at byte ${offset - FRAME_HEADER_BYTES}`;
  return {
    first,
    last,
    place,
    load: (keep) => {
      const fd = openSync(path, 'r');
      try {
        return decodeChunk(readAt(fd, offset, length), keep);
      } catch (error) {
        throw new DamagedChunkError(`${place}: the chunk from ${clockOf(first)} UTC is damaged (${(error as Error).message})`);
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** Several files (rotated parts of one recording, in any order) as one recording. */
export function openRecordings(paths: readonly string[]): Recording {
  const files = paths.map(openRecordingFile);
  const first = files[0];
  if (!first) throw new UsageError('no recording named: pgtop replay FILE…');
  return {
    header: first.header,
    chunks: files.flatMap((file) => file.chunks).sort((a, b) => a.first - b.first),
    notices: files.flatMap((file) => file.notices),
  };
}
