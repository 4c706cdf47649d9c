import { errorMessage } from '../errors.js';
import { lineAt, type SqlStatement } from './split.js';

/** The parts of a PostgreSQL error a migration report uses. */
export interface ServerError {
  message: string;
  code?: string;
  /** 1-based character position in the statement sent, when the server points at one. */
  position?: number;
  detail?: string;
  hint?: string;
}

export function asServerError(error: unknown): ServerError {
  const fields = (error && typeof error === 'object' ? error : {}) as { code?: unknown; position?: unknown; detail?: unknown; hint?: unknown };
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const position = Number(fields.position);
  const code = text(fields.code);
  const detail = text(fields.detail);
  const hint = text(fields.hint);
  return {
    message: errorMessage(error),
    ...(code && /^[0-9A-Z]{5}$/.test(code) ? { code } : {}),
    ...(Number.isInteger(position) && position > 0 ? { position } : {}),
    ...(detail ? { detail } : {}),
    ...(hint ? { hint } : {}),
  };
}

/** The server's message with its DETAIL and HINT, as one sentence-like text without a final period. */
export function describeServerError(error: ServerError): string {
  return [error.message, error.detail, error.hint ? `Hint: ${error.hint}` : undefined]
    .filter((part): part is string => Boolean(part))
    .map((part) => part.trim().replace(/\.$/, ''))
    .join('. ');
}

/**
 * The file line the server's error points at: its character `position` inside the statement (PostgreSQL
 * counts characters, JavaScript UTF-16 units), or else the line where the statement starts.
 */
export function errorLine(fileText: string, statement: SqlStatement, position: number | undefined): number {
  if (position === undefined) return statement.line;
  let offset = 0;
  let characters = 1;
  for (const char of statement.text) {
    if (characters === position) break;
    offset += char.length;
    characters++;
  }
  return lineAt(fileText, statement.start + offset, statement.start, statement.line);
}
