import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { format } from 'node:util';
import { auditLogPath } from '../audit/log.js';
import { join } from 'node:path';

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** Where console output goes while the full screen is shown: beside the audit log. */
export function debugLogPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(auditLogPath(env)), 'debug.log');
}

/**
 * Sends console output (from pgtop or a library) to the debug log instead of the terminal, where it would
 * land in the middle of the frame. Returns the function that puts the console back.
 */
export function redirectConsole(path: string = debugLogPath()): () => void {
  const saved = METHODS.map((method) => [method, console[method]] as const);
  for (const method of METHODS) {
    console[method] = (...args: unknown[]): void => {
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        appendFileSync(path, `${new Date().toISOString()} ${method} ${format(...args)}\n`, { mode: 0o600 });
      } catch {
        // No place for it: dropped, never drawn over the screen.
      }
    };
  }
  return () => {
    for (const [method, fn] of saved) console[method] = fn;
  };
}
