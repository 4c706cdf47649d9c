import { UsageError, errorMessage } from '../../errors.js';
import { parseDuration } from '../../text/duration.js';

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i;
const SIZE_FACTOR: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** `100M`, `1G`, `500k` or bytes. */
export function parseSize(flag: string, text: string, command: string): number {
  const match = SIZE.exec(text.trim());
  const bytes = match ? Number(match[1]) * (SIZE_FACTOR[(match[2] ?? 'b').toLowerCase()] ?? 1) : NaN;
  if (!(bytes >= 4096)) throw new UsageError(`${flag} ${text} is not a size of 4k or more (e.g. 100M, 1G). Try: ${command} --help`);
  return Math.round(bytes);
}

/** A duration flag (`30s`, `7d`), in ms, at least `minMs`. */
export function durationFlag(flag: string, text: string, minMs: number, command: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${errorMessage(error)}. Try: ${command} --help`);
  }
  if (ms < minMs) throw new UsageError(`${flag} ${text} is too short (at least ${minMs / 1000}s). Try: ${command} --help`);
  return ms;
}
