import { sanitize, sanitizeOneLine } from '../../text/sanitize.js';
import type { BackupEvent } from '../../backup/job/progress.js';
import { progressLine } from './progress-text.js';

export interface TextStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliProgress {
  onEvent(event: BackupEvent): void;
  /** Clears the status line (on a terminal) so that what follows starts on a clean line. */
  finish(): void;
}

const phaseLog: Partial<Record<BackupEvent['progress']['phase'], (event: BackupEvent) => string>> = {
  connecting: (event) => `connecting to ${event.progress.target}`,
  dumping: (event) => `dumping ${event.progress.database} to ${event.progress.dir}/${event.progress.file}.partial (${event.progress.format} format, ${event.progress.tablesTotal} tables)`,
  verifying: () => 'verifying: pg_restore --list and a full read',
  committing: (event) => `committing ${event.progress.file}`,
};

/**
 * Shows a running backup on stderr: on a terminal, one status line rewritten in place; otherwise plain
 * log lines (phases, tables, notices, and a progress line every `logEveryMs`).
 */
export function cliProgress(stream: TextStream, options: { logEveryMs?: number; now?: () => number } = {}): CliProgress {
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  let statusShown = false;
  let lastDraw = 0;
  let lastLog = now();

  const clear = (): void => {
    if (statusShown) stream.write('\r\x1b[2K');
    statusShown = false;
  };
  const log = (text: string): void => {
    clear();
    stream.write(`pgtop backup: ${sanitize(text)}\n`);
  };
  const draw = (event: BackupEvent, force: boolean): void => {
    const at = now();
    if (!force && at - lastDraw < 100) return;
    lastDraw = at;
    const width = Math.max(20, (stream.columns ?? 100) - 1);
    const line = `${sanitizeOneLine(event.progress.database)}: ${progressLine(event.progress)}`;
    stream.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    statusShown = true;
  };

  return {
    onEvent(event) {
      if (event.type === 'notice') {
        log(event.level === 'warning' ? `warning: ${event.message}` : event.message);
        if (tty) draw(event, true);
        return;
      }
      const ended = event.progress.phase === 'done' || event.progress.phase === 'failed' || event.progress.phase === 'cancelled';
      if (tty) {
        if (ended) clear();
        else draw(event, event.type !== 'tick');
        return;
      }
      if (event.type === 'phase') {
        const text = phaseLog[event.progress.phase]?.(event);
        if (text) log(text);
      } else if (event.type === 'table') {
        log(`dumping ${event.table} (${event.progress.tablesDone}/${event.progress.tablesTotal} tables done)`);
      } else if (event.type === 'tick' && now() - lastLog >= (options.logEveryMs ?? 30_000)) {
        lastLog = now();
        log(progressLine(event.progress));
      }
    },
    finish: clear,
  };
}
