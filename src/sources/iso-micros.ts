/** Entries each generation of the cache holds: two generations cover every timestamp of thousands of sessions. */
const GENERATION_LIMIT = 8192;

let current = new Map<string, string>();
let previous = new Map<string, string>();

function format(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString();
}

/**
 * A timestamp sent as microseconds since 1970 (bigint as text), as node-postgres would have given it (to
 * the millisecond), or null when it is not a number. Most come back tick after tick (a session's start,
 * an idle session's last query), and formatting a Date costs more than looking the text up: the texts
 * met lately are kept, in two generations of at most GENERATION_LIMIT, the older dropped when the newer fills.
 */
export function isoFromMicros(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? format(value) : null;
  if (typeof value !== 'string') return null;
  let iso = current.get(value);
  if (iso !== undefined) return iso;
  iso = previous.get(value);
  if (iso === undefined) {
    if (value.trim() === '') return null;
    const micros = Number(value);
    if (!Number.isFinite(micros)) return null;
    iso = format(micros);
  }
  if (current.size >= GENERATION_LIMIT) {
    previous = current;
    current = new Map();
  }
  current.set(value, iso);
  return iso;
}
