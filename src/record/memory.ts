import { ChunkBuilder, decodeChunk, type RecordedEvent, type RecordingHeader } from './format.js';
import type { ChunkRef, Recording } from './reader.js';

interface MemoryChunk {
  first: number;
  last: number;
  body: Buffer;
}

/**
 * The last minutes of the monitor's data, for rewinding while polling goes on: compressed chunks like a
 * recording's, the oldest dropped once they fall out of the window.
 */
export class MemoryRecording {
  private chunks: MemoryChunk[] = [];
  private pending = new ChunkBuilder();

  constructor(
    private readonly header: RecordingHeader,
    private readonly windowMs: number,
    private readonly chunkMs = 30_000,
  ) {}

  append(event: RecordedEvent): void {
    this.pending.add(event);
    const first = this.pending.first ?? event.at;
    if (event.at - first < this.chunkMs) return;
    this.chunks.push({ first, last: event.at, body: this.pending.encode() });
    this.pending = new ChunkBuilder();
    const oldest = event.at - this.windowMs;
    while ((this.chunks[0]?.last ?? Infinity) < oldest) this.chunks.shift();
  }

  /** Bytes held: the compressed chunks (the chunk still gathering is counted by the bench). */
  get compressedBytes(): number {
    return this.chunks.reduce((sum, chunk) => sum + chunk.body.length, 0);
  }

  /** What is held now, as a recording (the chunk still gathering included). */
  recording(): Recording {
    const stored: ChunkRef[] = this.chunks.map((chunk) => ({ first: chunk.first, last: chunk.last, place: 'memory', load: (keep) => decodeChunk(chunk.body, keep) }));
    const { first, last } = this.pending;
    const open: ChunkRef[] = first !== undefined && last !== undefined ? [{ first, last, place: 'memory', load: this.pending.gathered() }] : [];
    return { header: this.header, chunks: [...stored, ...open], notices: [] };
  }
}
