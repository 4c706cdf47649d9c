import { gunzipSync, gzipSync } from 'node:zlib';
import { applyPatch, applyPatchInPlace, diff, type Json, type Patch } from './delta.js';

/**
 * The recording's file: a header (`PGTOPREC`, the format, a JSON description), then frames. A frame is
 * `PGRC`, its kind, the length of its body, the first and last recorded time it holds, and the body:
 * a gzip'd chunk of ticks (the first tick of each kind in full, the others as patches from the one
 * before), or the end mark a recorder writes when it stops cleanly. Frames are written whole and synced:
 * a crash loses at most the chunk being gathered.
 */
export const FORMAT = 1;
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
  /** Time, type, and the event's fields in full (`f`) or as a patch from the previous one of its type (`d`). */
  t: number;
  y: string;
  f?: Json;
  d?: Patch;
}

/** The event's data as the source made it: diff and JSON.stringify read it as JSON (no copy is made). */
const bodyOf = (event: RecordedEvent): Json => {
  const { type: _type, at: _at, ...rest } = event;
  return rest as Json;
};

/** A chunk's body: the ticks, each kind's first in full, the rest as patches. */
export function encodeChunk(events: readonly RecordedEvent[]): Buffer {
  const previous = new Map<string, Json>();
  const ticks: StoredTick[] = [];
  for (const event of events) {
    const body = bodyOf(event);
    const before = previous.get(event.type);
    previous.set(event.type, body);
    if (before === undefined) {
      ticks.push({ t: event.at, y: event.type, f: body });
      continue;
    }
    const patch = diff(before, body);
    ticks.push(patch ? { t: event.at, y: event.type, d: patch } : { t: event.at, y: event.type });
  }
  return gzipSync(Buffer.from(JSON.stringify(ticks), 'utf8'));
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

/**
 * The events of a chunk's body; throws when the body is not a chunk (corrupted). With `keep`, only the
 * events it wants: the ticks are patched in place and only those are copied (a seek wants few of them).
 */
export function decodeChunk(body: Buffer, keep?: KeepEvent): RecordedEvent[] {
  const ticks = parseChunk(body);
  const previous = new Map<string, Json>();
  if (keep) {
    const kept: RecordedEvent[] = [];
    for (const tick of ticks) {
      const before = previous.get(tick.y);
      const fields = asFields(tick.f !== undefined ? tick.f : tick.d ? applyPatchInPlace(before, tick.d) : before);
      previous.set(tick.y, fields);
      if (keep(tick.y, tick.t)) kept.push({ ...(structuredClone(fields) as { [key: string]: Json }), type: tick.y, at: tick.t });
    }
    return kept;
  }
  return ticks.map((tick) => {
    const before = previous.get(tick.y);
    const fields = asFields(tick.f !== undefined ? tick.f : tick.d ? applyPatch(before, tick.d) : before);
    previous.set(tick.y, fields);
    return { ...fields, type: tick.y, at: tick.t };
  });
}
