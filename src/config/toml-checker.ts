import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseDuration } from '../text/duration.js';
import { parseTarget } from './conninfo.js';
import { lineOfKey, showKeyPath } from './toml-lines.js';

export type Table = Record<string, unknown>;

/** Checks the values of a parsed TOML document; every failure names the file, the line and the key. */
export class Checker {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly homeDir: string,
  ) {}

  fail(path: readonly string[], problem: string): never {
    const line = lineOfKey(this.text, path);
    throw new UsageError(`${this.file}${line === undefined ? '' : `:${line}`}: ${showKeyPath(path)}: ${problem}`);
  }

  table(value: unknown, path: readonly string[]): Table {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) this.fail(path, `must be a table, not ${typeName(value)}`);
    return value as Table;
  }

  string(value: unknown, path: readonly string[]): string {
    if (typeof value !== 'string') this.fail(path, `must be a string, not ${typeName(value)}`);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: readonly string[], allowed: readonly T[]): T {
    const text = this.string(value, path);
    if (!allowed.includes(text as T)) this.fail(path, `"${text}" is not one of ${allowed.join(', ')}`);
    return text as T;
  }

  /** A number of seconds, or a duration string ("2s", "500ms", "5min"), as seconds. */
  seconds(value: unknown, path: readonly string[]): number {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'string') {
      try {
        return parseDuration(value) / 1000;
      } catch {
        this.fail(path, `"${value}" is not a duration (e.g. 2, "2s", "500ms", "5min")`);
      }
    }
    return this.fail(path, `must be a number of seconds or a duration string, not ${typeName(value)}`);
  }

  directory(value: unknown, path: readonly string[]): string {
    const text = this.string(value, path);
    if (text === '~' || text.startsWith('~/')) return join(this.homeDir, text.slice(1));
    return resolve(dirname(this.file), text);
  }

  /** A conninfo, URI or `service=NAME`; a password in it is refused. */
  connection(value: unknown, path: readonly string[]): string {
    const text = this.string(value, path);
    let keywords: Record<string, string>;
    try {
      keywords = parseTarget(text);
    } catch (error) {
      return this.fail(path, error instanceof Error ? error.message : String(error));
    }
    if (keywords.password !== undefined) {
      this.fail(path, 'a password does not belong in pgtop\'s configuration: put it in ~/.pgpass (PGPASSFILE) or in the connection service file');
    }
    return text;
  }
}

export function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'bigint') return 'an integer';
  if (typeof value === 'object' && value !== null) return 'a table';
  return `a ${typeof value}`;
}
