import type { KeepEvent, RecordedEvent } from './format.js';
import { DamagedChunkError, type ChunkRef, type Recording } from './reader.js';

const CACHED_CHUNKS = 4;
/** The event that makes a tick: one per poll of PostgreSQL. */
export const TICK_EVENT = 'pg-data';

/**
 * Reads a recording by time: the events between two times, the ticks before and after one. Only the
 * chunks that span the times asked for are read (the frame headers are the index). A damaged chunk ends
 * the recording where it starts, and says so in `notices`.
 */
export class RecordingCursor {
  private readonly cache = new Map<ChunkRef, RecordedEvent[]>();
  private chunks: ChunkRef[];
  readonly notices: string[];

  constructor(recording: Recording) {
    this.chunks = recording.chunks;
    this.notices = [...recording.notices];
  }

  get start(): number | undefined {
    return this.chunks[0]?.first;
  }

  get end(): number | undefined {
    return this.chunks[this.chunks.length - 1]?.last;
  }

  /**
   * The events recorded after `from` (exclusive) up to `to` (inclusive), in time order; with `keep`, only
   * those it wants (cheaper to read: a seek wants few of the ticks).
   */
  eventsBetween(from: number, to: number, keep?: KeepEvent): RecordedEvent[] {
    const events: RecordedEvent[] = [];
    for (const chunk of [...this.chunks]) {
      if (chunk.last <= from || chunk.first > to) continue;
      const loaded = this.load(chunk, keep);
      if (!loaded) break;
      for (const event of loaded) if (event.at > from && event.at <= to && (!keep || keep(event.type, event.at))) events.push(event);
    }
    return events;
  }

  /** When the chunk holding `at` starts (`at` itself when no chunk holds it). */
  chunkStart(at: number): number {
    return this.chunks[this.chunkIndexAt(at)]?.first ?? at;
  }

  /** The time of the last tick before `at`, if any. */
  tickBefore(at: number): number | undefined {
    for (let index = this.chunkIndexAt(at); index >= 0; index -= 1) {
      const ticks = this.ticksOf(this.chunks[index]).filter((t) => t < at);
      if (ticks.length > 0) return ticks[ticks.length - 1];
    }
    return undefined;
  }

  /** The time of the first tick after `at`, if any. */
  tickAfter(at: number): number | undefined {
    for (let index = Math.max(0, this.chunkIndexAt(at)); index < this.chunks.length; index += 1) {
      const tick = this.ticksOf(this.chunks[index]).find((t) => t > at);
      if (tick !== undefined) return tick;
    }
    return undefined;
  }

  /** The index of the last chunk starting at or before `at` (-1 when none). */
  private chunkIndexAt(at: number): number {
    let found = -1;
    for (let index = 0; index < this.chunks.length && this.chunks[index]!.first <= at; index += 1) found = index;
    return found;
  }

  private ticksOf(chunk: ChunkRef | undefined): number[] {
    if (!chunk) return [];
    return (this.load(chunk) ?? []).filter((event) => event.type === TICK_EVENT).map((event) => event.at);
  }

  private load(chunk: ChunkRef, keep?: KeepEvent): RecordedEvent[] | undefined {
    const cached = this.cache.get(chunk);
    if (cached) return cached;
    try {
      // A partial read is not kept: the next read of the chunk may want other events.
      if (keep) return chunk.load(keep);
      const events = chunk.load();
      this.cache.set(chunk, events);
      if (this.cache.size > CACHED_CHUNKS) this.cache.delete(this.cache.keys().next().value as ChunkRef);
      return events;
    } catch (error) {
      if (!(error instanceof DamagedChunkError)) throw error;
      const index = this.chunks.indexOf(chunk);
      const kept = this.chunks.slice(0, Math.max(0, index));
      const end = kept[kept.length - 1]?.last;
      this.notices.push(`${error.message}: ${end === undefined ? 'nothing before it can be replayed' : `the replay ends at ${new Date(end).toISOString().replace('T', ' ').slice(0, 19)} UTC`}`);
      this.chunks = kept;
      return undefined;
    }
  }
}
