import { isObject, type Json, type JsonObject } from './delta.js';

/**
 * A session's query age is the tick's time less its query start, and its transaction age likewise: they
 * change on every tick for every session, so stored as such they made each session a patch in each tick.
 * From format 2 a tick of the sessions source stores its time (microseconds, `n`), and an age that is
 * exactly `n` less some start is stored as that start, as a string of microseconds, the same from tick to
 * tick; it is computed again when the tick is read. Any other age is stored as it is.
 */
const AGES = ['queryAgeSeconds', 'xactAgeSeconds'] as const;

/** The sessions of a tick's data (`snapshot.sessions`), or undefined when it has none. */
function sessionsOf(body: Json): Json[] | undefined {
  if (!isObject(body)) return undefined;
  const snapshot = body.snapshot;
  if (!isObject(snapshot)) return undefined;
  return Array.isArray(snapshot.sessions) ? snapshot.sessions : undefined;
}

const startMicros = (session: JsonObject): number | undefined => {
  const start = session.queryStartUs;
  if (typeof start !== 'string' || start === '') return undefined;
  const micros = Number(start);
  return Number.isSafeInteger(micros) ? micros : undefined;
};

/** The age at `now` of what started at `start` (microseconds), as the sessions source computes it. */
const ageAt = (now: number, start: number): number => (now - start) / 1_000_000;

/** The tick's time from the first session whose age and start give it back exactly. */
function tickMicros(sessions: readonly Json[]): number | undefined {
  for (const session of sessions) {
    if (!isObject(session) || typeof session.queryAgeSeconds !== 'number') continue;
    const start = startMicros(session);
    if (start === undefined) continue;
    const now = start + Math.round(session.queryAgeSeconds * 1_000_000);
    if (ageAt(now, start) === session.queryAgeSeconds) return now;
  }
  return undefined;
}

/** How an age is stored: the start it was computed from, when the tick's time less that start gives it back exactly. */
function storedAge(age: Json | undefined, now: number): Json | undefined {
  if (typeof age !== 'number') return age;
  const start = now - Math.round(age * 1_000_000);
  return ageAt(now, start) === age ? String(start) : age;
}

/** Whether a stored session is `live` with its ages stored as `query` and `xact`: one level deep, arrays by their items. */
function sameAs(stored: JsonObject, live: JsonObject, query: Json | undefined, xact: Json | undefined): boolean {
  if (stored.queryAgeSeconds !== query || stored.xactAgeSeconds !== xact) return false;
  for (const key in stored) if (!(key in live)) return false;
  for (const key in live) {
    if (key === 'queryAgeSeconds' || key === 'xactAgeSeconds') continue;
    const a = stored[key];
    const b = live[key];
    if (a === b) continue;
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length || a.some((item, i) => item !== b[i])) return false;
  }
  return true;
}

/**
 * The data as it is stored: sessions' ages as their starts, and a session that did not change since the
 * stored tick before (`previous`) is that tick's own object, which the diff passes over at once.
 */
export function withoutDerivedAges(body: Json, previous: Json | undefined): { body: Json; now?: number } {
  const sessions = sessionsOf(body);
  const now = sessions ? tickMicros(sessions) : undefined;
  if (!sessions || now === undefined || !isObject(body) || !isObject(body.snapshot)) return { body };
  const earlier = sessionsOf(previous ?? null) ?? [];
  let byPid: Map<Json, Json> | undefined;
  // Sessions mostly come in the order they came before: the one at the same place is looked at first.
  const lastOf = (session: JsonObject, index: number): Json | undefined => {
    const same = earlier[index];
    if (isObject(same) && same.pid === session.pid) return same;
    byPid ??= new Map(earlier.map((s) => [isObject(s) ? (s.pid ?? null) : null, s]));
    return byPid.get(session.pid ?? null);
  };
  const stored = sessions.map((session, index): Json => {
    if (!isObject(session)) return session;
    const query = storedAge(session.queryAgeSeconds, now);
    const xact = storedAge(session.xactAgeSeconds, now);
    if (query === session.queryAgeSeconds && xact === session.xactAgeSeconds) return session;
    const last = lastOf(session, index);
    if (isObject(last) && sameAs(last, session, query, xact)) return last;
    const copy = { ...session };
    if (query !== undefined) copy.queryAgeSeconds = query;
    if (xact !== undefined) copy.xactAgeSeconds = xact;
    return copy;
  });
  return { body: { ...body, snapshot: { ...body.snapshot, sessions: stored } }, now };
}

/** The data as the source delivered it: each age stored as its start computed from `now`. `body` is not changed. */
export function withDerivedAges(body: Json, now: number): Json {
  const sessions = sessionsOf(body);
  if (!sessions || !isObject(body) || !isObject(body.snapshot)) return body;
  const restored = sessions.map((session): Json => {
    if (!isObject(session) || AGES.every((key) => typeof session[key] !== 'string')) return session;
    const copy = { ...session };
    for (const key of AGES) {
      const start = copy[key];
      if (typeof start === 'string') copy[key] = ageAt(now, Number(start));
    }
    return copy;
  });
  return { ...body, snapshot: { ...body.snapshot, sessions: restored } };
}
