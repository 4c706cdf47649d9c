const DAY_MS = 86_400_000;

/**
 * A time typed by the user, in the recording's range: `03:12`, `03:12:30` (local time, on the day of the
 * recording that has it), or a date and time (`2026-03-12 03:12`, ISO 8601). Undefined when it is neither.
 */
export function parseRecordedTime(text: string, range: { start: number; end: number }): number | undefined {
  const trimmed = text.trim();
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(trimmed);
  if (!clock) {
    if (!/^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}/.test(trimmed)) return undefined;
    const parsed = Date.parse(trimmed.replace(' ', 'T'));
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  const [hours, minutes, seconds] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const candidates: number[] = [];
  for (let day = startOfDay(range.start) - DAY_MS; day <= range.end + DAY_MS; day += DAY_MS) {
    const at = new Date(day);
    at.setHours(hours, minutes, seconds, 0);
    candidates.push(at.getTime());
  }
  const inside = candidates.find((at) => at >= range.start && at <= range.end);
  if (inside !== undefined) return inside;
  const distance = (at: number): number => (at < range.start ? range.start - at : at - range.end);
  return candidates.reduce((best, at) => (distance(at) < distance(best) ? at : best));
}

function startOfDay(ms: number): number {
  const day = new Date(ms);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** A recorded time as the screen shows it: local `HH:MM:SS`. */
export const clockTime = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);
