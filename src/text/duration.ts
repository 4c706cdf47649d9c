const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A compact elapsed time: `3.2s` under 10 s, `42s`, `1m58s`, `3h04m`, `12d03h`. Values are rounded down
 * (what has fully elapsed); negative ones (clock skew) show as zero; null or NaN shows as nothing.
 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, seconds);
  if (s < 10) return `${(Math.floor(s * 10 + 1e-9) / 10).toFixed(1)}s`;
  const whole = Math.floor(s);
  if (whole < MINUTE) return `${whole}s`;
  if (whole < HOUR) return `${Math.floor(whole / MINUTE)}m${two(whole % MINUTE)}s`;
  if (whole < DAY) return `${Math.floor(whole / HOUR)}h${two(Math.floor((whole % HOUR) / MINUTE))}m`;
  return `${Math.floor(whole / DAY)}d${two(Math.floor((whole % DAY) / HOUR))}h`;
}

export const formatAge = formatDuration;

const UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/;

/**
 * Parses a duration such as `2s`, `500ms`, `1.5s`, `30min`, `1h` or `1d` (PostgreSQL's units, plus `us`)
 * into milliseconds, rounded to the nearest millisecond. A bare number means seconds.
 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  const unit = match?.[2] || 's';
  const factor = UNIT_MS[unit];
  if (!match || factor === undefined) {
    throw new Error(
      `invalid duration "${text}": expected a number with one of the units us, ms, s, min, h, d (e.g. 2s, 500ms, 30min)`,
    );
  }
  return Math.round(Number(match[1]) * factor);
}
