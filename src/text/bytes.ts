const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
const COUNT_UNITS = ['k', 'M', 'G', 'T', 'P'];

/** `512 B`, `1.5 KiB`, `23.4 MiB`, `1.2 GiB` (binary units, one decimal); null or NaN shows as nothing. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '';
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${Math.round(value)} B`;
  let unit = 0;
  value /= 1024;
  while (unit < BINARY_UNITS.length - 1 && Number(value.toFixed(1)) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${sign}${value.toFixed(1)} ${BINARY_UNITS[unit]}`;
}

/**
 * A short count for a narrow column: `999`, `1.2k`, `12k`, `1.2M`. A fractional count under 10 (a rate)
 * keeps one decimal (`0.4`); null or NaN shows as nothing.
 */
export function formatCount(count: number | null): string {
  if (count === null || !Number.isFinite(count)) return '';
  const sign = count < 0 ? '-' : '';
  const value = Math.abs(count);
  const tenths = Math.round(value * 10) / 10;
  if (tenths < 10 && !Number.isInteger(tenths)) return `${sign}${tenths.toFixed(1)}`;
  if (Math.round(value) < 1000) return `${sign}${Math.round(value)}`;
  let scaled = value;
  for (let unit = 0; unit < COUNT_UNITS.length; unit += 1) {
    scaled /= 1000;
    const last = unit === COUNT_UNITS.length - 1;
    if (Math.round(scaled * 10) / 10 < 10) return `${sign}${scaled.toFixed(1)}${COUNT_UNITS[unit]}`;
    if (Math.round(scaled) < 1000 || last) return `${sign}${Math.round(scaled)}${COUNT_UNITS[unit]}`;
  }
  return `${sign}${Math.round(scaled)}${COUNT_UNITS[COUNT_UNITS.length - 1]}`;
}

/** A ratio as a percentage with one decimal: 0.997 → `99.7%`; null or NaN shows as nothing. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '';
  return `${(ratio * 100).toFixed(1)}%`;
}
