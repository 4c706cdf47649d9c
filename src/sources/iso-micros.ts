/** Entries each generation of the cache starts with: two generations cover every timestamp of 1,000 sessions. */
const FIRST_LIMIT = 4096;
/** The most a generation grows to (a server of some 16,000 sessions). */
const MAX_LIMIT = 65_536;

let limit = FIRST_LIMIT;
let current = new Map<string, string>();
let previous = new Map<string, string>();
/** Look-ups since the newer generation started: few for its size means what comes back does not fit. */
let lookups = 0;

function format(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString();
}

/**
 * A timestamp sent as microseconds since 1970 (bigint as text), as node-postgres would have given it (to
 * the millisecond), or null when it is not a number. Most come back tick after tick (a session's start,
 * an idle session's last query), and formatting a Date costs more than looking the text up: the texts
 * met lately are kept, in two generations, the older dropped when the newer fills. A generation that
 * fills within a few look-ups a text (thousands of sessions, each with its own times) doubles, so that
 * a tick's timestamps fit again.
 */
export function isoFromMicros(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? format(value) : null;
  if (typeof value !== 'string') return null;
  lookups++;
  let iso = current.get(value);
  if (iso !== undefined) return iso;
  iso = previous.get(value);
  if (iso === undefined) {
    if (value.trim() === '') return null;
    const micros = Number(value);
    if (!Number.isFinite(micros)) return null;
    iso = format(micros);
  }
  if (current.size >= limit) {
    if (lookups < 4 * limit && limit < MAX_LIMIT) limit *= 2;
    previous = current;
    current = new Map();
    lookups = 0;
  }
  current.set(value, iso);
  return iso;
}

/** The entries a generation holds at most now (it grows with the timestamps that come back). */
export function isoCacheLimit(): number {
  return limit;
}
