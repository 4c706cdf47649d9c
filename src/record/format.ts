import { gunzipSync, gzipSync } from 'node:zlib';
import { applyPatch, applyPatchInPlace, diff, type Json, type Patch } from './delta.js';
import { withDerivedAges, withoutDerivedAges } from './derived-ages.js';

/**
 * The recording's file: a header (`PGTOPREC`, the format, a JSON description), then frames. A frame is
 * `PGRC`, its kind, the length of its body, the first and last recorded time it holds, and the body:
 * a gzip'd chunk of ticks (the first tick of each kind in full, the others as patches from the one
 * before), or the end mark a recorder writes when it stops cleanly. Frames are written whole and synced:
 * a crash loses at most the chunk being gathered. Format 2 stores sessions' query and transaction ages as
 * the times they count from (see derived-ages.ts); format 1 recordings are read as they are.
 */
export const FORMAT = 2;
export const FILE_MAGIC = 'PGTOPREC';
export const FRAME_MAGIC = 'PGRC';
/** Magic (4), kind (1), body length (4), first and last time (8 + 8). */
export const FRAME_HEADER_BYTES = 25;
export const FRAME_CHUNK = 1;
export const FRAME_END = 2;

/** What the recording says about itself. */
export interface RecordingHeader {
  format: number;
  /** The pgtop that wrote it. */
  pgtop: string;
  createdAt: string;
  target: string;
  bouncerTarget?: string;
  intervalSeconds: number;
}

/** One recorded event: what a source delivered (its type, when, and its data). */
export interface RecordedEvent {
  type: string;
  at: number;
  [field: string]: Json | undefined;
}

export function encodeHeader(header: RecordingHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const fixed = Buffer.alloc(14);
  fixed.write(FILE_MAGIC, 0, 'latin1');
  fixed.writeUInt16BE(header.format, 8);
  fixed.writeUInt32BE(json.length, 10);
  return Buffer.concat([fixed, json]);
}

export function encodeFrame(kind: number, first: number, last: number, body: Buffer): Buffer {
  const head = Buffer.alloc(FRAME_HEADER_BYTES);
  head.write(FRAME_MAGIC, 0, 'latin1');
  head.writeUInt8(kind, 4);
  head.writeUInt32BE(body.length, 5);
  head.writeDoubleBE(first, 9);
  head.writeDoubleBE(last, 17);
  return Buffer.concat([head, body]);
}

interface StoredTick {
  /**
   * Time, type, the tick's time in microseconds when ages are derived from it (`n`), and the event's fields
   * in full (`f`) or as a patch from the previous one of its type (`d`).
   */
  t: number;
  y: string;
  n?: number;
  f?: Json;
  d?: Patch;
}

/** The event's data as the source made it: diff and JSON.stringify read it as JSON (no copy is made). */
const bodyOf = (event: RecordedEvent): Json => {
  const { type: _type, at: _at, ...rest } = event;
  return rest as Json;
};

/**
 * A chunk as it is gathered: each event is diffed from the one before of its kind as it comes, so that
 * what a chunk holds until it is written is one tick of each kind and the patches, not every tick whole.
 */
export class ChunkBuilder {
  private readonly previous = new Map<string, Json>();
  private readonly ticks: StoredTick[] = [];

  add(event: RecordedEvent): void {
    const before = this.previous.get(event.type);
    const { body, now } = withoutDerivedAges(bodyOf(event), before);
    this.previous.set(event.type, body);
    const tick: StoredTick = { t: event.at, y: event.type };
    if (now !== undefined) tick.n = now;
    if (before === undefined) tick.f = body;
    else {
      const patch = diff(before, body);
      if (patch) tick.d = patch;
    }
    this.ticks.push(tick);
  }

  get size(): number {
    return this.ticks.length;
  }

  get first(): number | undefined {
    return this.ticks[0]?.t;
  }

  get last(): number | undefined {
    return this.ticks[this.ticks.length - 1]?.t;
  }

  /** The chunk's body: the ticks, each kind's first in full, the rest as patches, gzip'd. */
  encode(): Buffer {
    return gzipSync(Buffer.from(JSON.stringify(this.ticks), 'utf8'));
  }

  /** The events gathered so far, read later (events added after this call are not among them). */
  gathered(): (keep?: KeepEvent) => RecordedEvent[] {
    const ticks = [...this.ticks];
    return (keep) => {
      const events = decodeTicks(ticks);
      return keep ? events.filter((e) => keep(e.type, e.at)) : events;
    };
  }
}

/** A chunk's body: the ticks, each kind's first in full, the rest as patches. */
export function encodeChunk(events: readonly RecordedEvent[]): Buffer {
  const builder = new ChunkBuilder();
  for (const event of events) builder.add(event);
  return builder.encode();
}

/** Which of a chunk's events a reader wants (by type and time); the others are decoded but not handed out. */
export type KeepEvent = (type: string, at: number) => boolean;

function parseChunk(body: Buffer): StoredTick[] {
  const ticks = JSON.parse(gunzipSync(body).toString('utf8')) as StoredTick[];
  if (!Array.isArray(ticks)) throw new Error('not a chunk');
  return ticks;
}

const asFields = (fields: Json | undefined): { [key: string]: Json } => {
  if (fields === undefined || typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new Error('a tick without its data');
  return fields;
};

/** A tick's fields as the source delivered them. */
const delivered = (tick: StoredTick, fields: { [key: string]: Json }): { [key: string]: Json } => (tick.n === undefined ? fields : asFields(withDerivedAges(fields, tick.n)));

/**
 * The events of a chunk's body; throws when the body is not a chunk (corrupted). With `keep`, only the
 * events it wants: the ticks are patched in place and only those are copied (a seek wants few of them).
 */
export function decodeChunk(body: Buffer, keep?: KeepEvent): RecordedEvent[] {
  const ticks = parseChunk(body);
  if (!keep) return decodeTicks(ticks);
  const previous = new Map<string, Json>();
  const kept: RecordedEvent[] = [];
  for (const tick of ticks) {
    const before = previous.get(tick.y);
    const fields = asFields(tick.f !== undefined ? tick.f : tick.d ? applyPatchInPlace(before, tick.d) : before);
    previous.set(tick.y, fields);
    if (keep(tick.y, tick.t)) kept.push({ ...delivered(tick, structuredClone(fields) as { [key: string]: Json }), type: tick.y, at: tick.t });
  }
  return kept;
}

/** Every event of the ticks, each patched from a copy of the one before: `ticks` are not changed. */
function decodeTicks(ticks: readonly StoredTick[]): RecordedEvent[] {
  const previous = new Map<string, Json>();
  return ticks.map((tick) => {
    const before = previous.get(tick.y);
    const fields = asFields(tick.f !== undefined ? tick.f : tick.d ? applyPatch(before, tick.d) : before);
    previous.set(tick.y, fields);
    return { ...delivered(tick, fields), type: tick.y, at: tick.t };
  });
}
