import type { Finding, FindingTarget, Severity } from './types.js';
import type { Piece } from './input.js';

export interface FindingText {
  why: string;
  action: string;
  threshold: string;
}

export function finding(id: string, severity: Severity, summary: string, text: FindingText, evidence: string[] = [], target?: FindingTarget): Finding {
  return { id, severity, summary, evidence, why: text.why, action: text.action, threshold: text.threshold, ...(target ? { target } : {}) };
}

/** The check could not run: UNKNOWN with the reason, never a false OK. */
export function unknown(id: string, reason: string, text: FindingText): Finding {
  return finding(id, 'unknown', `cannot check: ${reason}`, text);
}

/** The rows of a piece, or an UNKNOWN finding saying why they could not be read. */
export function rowsOr<T>(id: string, piece: Piece<T> | undefined, text: FindingText): { value: T } | { missing: Finding } {
  if (!piece) return { missing: unknown(id, 'the data was not read', text) };
  if (!piece.ok) return { missing: unknown(id, piece.reason, text) };
  return { value: piece.value };
}

export const num = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

export const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
