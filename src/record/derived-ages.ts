import type { Json } from './delta.js';

/**
 * A session's query age is the tick's time less its query start, so it changes on every tick for every
 * session: stored as such, it makes each session a patch in each tick. From format 2 a tick of the sessions
 * source stores its time (microseconds, `n`) and, in place of an age that is exactly that difference, this
 * mark; the age is computed again when the tick is read. An age that is not (synthetic data) is stored as it is.
 */
export const DERIVED_AGE = true;

type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** The age a session's query has at `now` (microseconds), as the sessions source computes it. */
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

/** Whether two sessions are the same apart from their query age: one level deep, arrays by their items. */
function sameBesidesAge(stored: JsonObject, live: JsonObject): boolean {
  for (const key in stored) if (!(key in live)) return false;
  for (const key in live) {
    if (key === 'queryAgeSeconds') continue;
    const a = stored[key];
    const b = live[key];
    if (a === b) continue;
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length || a.some((item, i) => item !== b[i])) return false;
  }
  return true;
}

/**
 * The data as it is stored: sessions whose age is derived carry DERIVED_AGE, and one that did not change
 * since the stored tick before (`previous`) is that tick's own object, which the diff passes over at once.
 */
export function withoutDerivedAges(body: Json, previous: Json | undefined): { body: Json; now?: number } {
  const sessions = sessionsOf(body);
  const now = sessions ? tickMicros(sessions) : undefined;
  if (!sessions || now === undefined || !isObject(body) || !isObject(body.snapshot)) return { body };
  const before = new Map<Json, JsonObject>();
  for (const session of sessionsOf(previous ?? null) ?? []) if (isObject(session)) before.set(session.pid ?? null, session);
  const stored = sessions.map((session): Json => {
    if (!isObject(session)) return session;
    const start = startMicros(session);
    if (start === undefined || session.queryAgeSeconds !== ageAt(now, start)) return session;
    const last = before.get(session.pid ?? null);
    if (last && last.queryAgeSeconds === DERIVED_AGE && sameBesidesAge(last, session)) return last;
    return { ...session, queryAgeSeconds: DERIVED_AGE };
  });
  return { body: { ...body, snapshot: { ...body.snapshot, sessions: stored } }, now };
}

/** The data as the source delivered it: each DERIVED_AGE computed from `now`. `body` is not changed. */
export function withDerivedAges(body: Json, now: number): Json {
  const sessions = sessionsOf(body);
  if (!sessions || !isObject(body) || !isObject(body.snapshot)) return body;
  const restored = sessions.map((session): Json => {
    if (!isObject(session) || session.queryAgeSeconds !== DERIVED_AGE) return session;
    const start = startMicros(session);
    return { ...session, queryAgeSeconds: start === undefined ? null : ageAt(now, start) };
  });
  return { ...body, snapshot: { ...body.snapshot, sessions: restored } };
}
