/**
 * What changed between two JSON values, and how to get the second back from the first: the recording
 * stores a tick as the patch from the tick before it. Arrays of objects with a `pid` are matched by pid
 * (sessions come and go between ticks), other arrays by position.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A patch: `s` replaces the value; `o` patches an object's keys (`x` deletes some); `a` an array by index; `p` by pid. */
export type Patch =
  | { s: Json }
  | { o: Record<string, Patch>; x?: string[] }
  | { a: Record<string, Patch> }
  | { p: Record<string, Patch>; n?: Json[]; ids?: (number | string)[] };

export type JsonObject = { [key: string]: Json };

export const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const pidOf = (value: Json | undefined): number | string | undefined => {
  if (!isObject(value)) return undefined;
  const pid = value.pid;
  return typeof pid === 'number' || typeof pid === 'string' ? pid : undefined;
};

/**
 * A value as JSON.stringify writes it: `toJSON` (a Date) called, undefined absent. The encoder diffs the
 * events as the sources made them, without a JSON round trip: what it compares is what is written.
 */
const plain = (value: Json | undefined): Json | undefined => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === 'function' ? (toJSON.call(value) as Json) : value;
};

const keyedByPid = (items: Json[]): boolean => items.length > 0 && items.every((item) => pidOf(item) !== undefined) && new Set(items.map(pidOf)).size === items.length;

/** The patch from `before` to `after`, or undefined when they are equal. */
export function diff(rawBefore: Json | undefined, rawAfter: Json): Patch | undefined {
  if (rawBefore === rawAfter) return undefined;
  const before = plain(rawBefore);
  const after = plain(rawAfter) ?? null;
  if (before === after) return undefined;
  if (isObject(before) && isObject(after)) return diffObject(before, after);
  if (Array.isArray(before) && Array.isArray(after)) {
    if (keyedByPid(after) && (before.length === 0 || keyedByPid(before))) return diffByPid(before, after);
    if (before.length === after.length) return diffByIndex(before, after);
  }
  return { s: after };
}

function diffObject(before: JsonObject, after: JsonObject): Patch | undefined {
  const changed: Record<string, Patch> = {};
  let count = 0;
  for (const key in after) {
    const value = after[key];
    if (value === undefined) continue;
    const patch = diff(before[key], value);
    if (patch) {
      changed[key] = patch;
      count += 1;
    }
  }
  let deleted: string[] | undefined;
  for (const key in before) {
    if (before[key] !== undefined && after[key] === undefined) (deleted ??= []).push(key);
  }
  if (count === 0 && !deleted) return undefined;
  return deleted ? { o: changed, x: deleted } : { o: changed };
}

function diffByIndex(before: Json[], after: Json[]): Patch | undefined {
  const changed: Record<string, Patch> = {};
  let count = 0;
  after.forEach((value, index) => {
    const patch = diff(before[index], value);
    if (patch) {
      changed[index] = patch;
      count += 1;
    }
  });
  return count === 0 ? undefined : { a: changed };
}

function diffByPid(before: Json[], after: Json[]): Patch | undefined {
  const previous = new Map(before.map((item) => [pidOf(item), item]));
  const changed: Record<string, Patch> = {};
  const added: Json[] = [];
  let count = 0;
  for (const item of after) {
    const pid = pidOf(item);
    const old = previous.get(pid);
    if (old === undefined) {
      added.push(item);
      continue;
    }
    const patch = diff(old, item);
    if (patch) {
      changed[String(pid)] = patch;
      count += 1;
    }
  }
  const ids = after.map((item) => pidOf(item) as number | string);
  const sameOrder = ids.length === before.length && ids.every((id, index) => pidOf(before[index]) === id);
  if (sameOrder && count === 0) return undefined;
  return { p: changed, ...(added.length > 0 ? { n: added } : {}), ...(sameOrder ? {} : { ids }) };
}

/** `before` with the patch applied (a new value: `before` is not changed). */
export function applyPatch(before: Json | undefined, patch: Patch): Json {
  if ('s' in patch) return patch.s;
  if ('o' in patch) {
    const base: JsonObject = isObject(before) ? { ...before } : {};
    for (const key of patch.x ?? []) delete base[key];
    for (const [key, inner] of Object.entries(patch.o)) base[key] = applyPatch(base[key], inner);
    return base;
  }
  if ('a' in patch) {
    const base = Array.isArray(before) ? [...before] : [];
    for (const [index, inner] of Object.entries(patch.a)) base[Number(index)] = applyPatch(base[Number(index)], inner);
    return base;
  }
  const previous = new Map((Array.isArray(before) ? before : []).map((item) => [String(pidOf(item)), item]));
  for (const item of patch.n ?? []) previous.set(String(pidOf(item)), item);
  const ids = patch.ids ?? (Array.isArray(before) ? before.map((item) => pidOf(item) as number | string) : []);
  return ids.map((id) => {
    const key = String(id);
    const inner = patch.p[key];
    const base = previous.get(key) ?? null;
    return inner ? applyPatch(base, inner) : base;
  });
}

/**
 * `before` with the patch applied by changing it: for a decoder that owns `before` (it parsed it) and
 * copies only the values it hands out. Much less garbage than `applyPatch` when most ticks are skipped.
 */
export function applyPatchInPlace(before: Json | undefined, patch: Patch): Json {
  if ('s' in patch) return patch.s;
  if ('o' in patch) {
    const base: JsonObject = isObject(before) ? before : {};
    for (const key of patch.x ?? []) delete base[key];
    for (const key in patch.o) base[key] = applyPatchInPlace(base[key], patch.o[key]!);
    return base;
  }
  if ('a' in patch) {
    const base = Array.isArray(before) ? before : [];
    for (const index in patch.a) base[Number(index)] = applyPatchInPlace(base[Number(index)], patch.a[index]!);
    return base;
  }
  const items = Array.isArray(before) ? before : [];
  if (!patch.ids && !patch.n) {
    // Same sessions in the same order: each patched one is changed where it is.
    const at = new Map(items.map((item, index) => [String(pidOf(item)), index]));
    for (const key in patch.p) {
      const index = at.get(key);
      if (index !== undefined) items[index] = applyPatchInPlace(items[index], patch.p[key]!);
    }
    return items;
  }
  const previous = new Map(items.map((item) => [String(pidOf(item)), item]));
  for (const item of patch.n ?? []) previous.set(String(pidOf(item)), item);
  const ids = patch.ids ?? items.map((item) => pidOf(item) as number | string);
  return ids.map((id) => {
    const key = String(id);
    const inner = patch.p[key];
    const base = previous.get(key) ?? null;
    return inner ? applyPatchInPlace(base, inner) : base;
  });
}
