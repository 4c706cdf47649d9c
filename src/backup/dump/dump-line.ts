/** One line of `pg_dump -v` stderr, classified. */
export type DumpLine =
  /** `pg_dump: dumping contents of table "public.orders"`: a table's data is being copied (serial or a -j worker). */
  | { kind: 'table-started'; table: string }
  /** `pg_dump: finished item 3359 TABLE DATA orders`: a -j worker finished a table (the tag has no schema). */
  | { kind: 'table-finished'; tag: string }
  /** `pg_dump: error: …`, and the `detail:` / `hint:` lines that follow one. */
  | { kind: 'error'; text: string }
  | { kind: 'detail'; text: string }
  | { kind: 'hint'; text: string }
  | { kind: 'warning'; text: string }
  /** Any other `-v` progress line (`reading schemas`, `saving encoding = UTF8`, …). */
  | { kind: 'info'; text: string };

const prefix = /^pg_dump(?:\[\d+\])?: /;

export function parseDumpLine(rawLine: string): DumpLine {
  const line = rawLine.replace(/\r$/, '');
  const text = line.replace(prefix, '');
  const started = /^dumping contents of table "(.*)"$/.exec(text);
  if (started) return { kind: 'table-started', table: started[1] ?? '' };
  const finished = /^finished item \d+ TABLE DATA (.+)$/.exec(text);
  if (finished) return { kind: 'table-finished', tag: finished[1] ?? '' };
  const labelled = /^(error|detail|hint|warning|fatal): ?(.*)$/i.exec(text);
  if (labelled) {
    const label = (labelled[1] ?? '').toLowerCase();
    const body = labelled[2] ?? '';
    if (label === 'detail') return { kind: 'detail', text: body };
    if (label === 'hint') return { kind: 'hint', text: body };
    if (label === 'warning') return { kind: 'warning', text: body };
    return { kind: 'error', text: body };
  }
  return { kind: 'info', text };
}

/** Splits a stream of chunks into lines, keeping the unfinished last line for the next chunk. */
export class LineSplitter {
  private pending = '';

  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    return lines;
  }

  /** The unfinished line, if any (call when the stream ends). */
  flush(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? [] : [rest];
  }
}

/** Keeps the last `capacity` lines. */
export class LineTail {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 40) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  get(): string[] {
    return [...this.lines];
  }
}
