const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` values as bars scaled to their maximum (at least `floor`); zeros are the lowest bar. */
export function sparkline(values: readonly number[], width: number, floor = 1): string {
  const shown = values.slice(-width);
  const max = Math.max(floor, ...shown);
  const bars = shown.map((v) => BARS[Math.min(BARS.length - 1, Math.max(0, Math.round((v / max) * (BARS.length - 1))))] ?? BARS[0]);
  return ' '.repeat(Math.max(0, width - shown.length)) + bars.join('');
}
