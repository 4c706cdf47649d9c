/**
 * The line (1-based) where a key or table is written in a TOML text, for error messages: the TOML parser
 * returns values without positions. Understands `[table]`, `[[array]]` headers and dotted, quoted keys;
 * returns the line of the nearest enclosing table when the key itself is not found (inline tables).
 * An entry of an array of tables is the segment `[N]` (0-based) after the array's name.
 */
export function lineOfKey(text: string, path: readonly string[]): number | undefined {
  const lines = text.split('\n');
  let table: string[] = [];
  const arrayEntries = new Map<string, number>();
  let best: { line: number; depth: number } | undefined;
  const consider = (keyPath: string[], line: number): void => {
    const depth = commonPrefix(keyPath, path);
    if (depth === path.length && keyPath.length === path.length) best = { line, depth: depth + 1 };
    else if (depth === keyPath.length && (best === undefined || depth > best.depth)) best = { line, depth };
  };
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[\[?([^\]]*)\]\]?/.exec(line);
    if (header) {
      table = splitKey(header[1] ?? '');
      if (line.startsWith('[[')) {
        const entry = arrayEntries.get(table.join('.')) ?? 0;
        arrayEntries.set(table.join('.'), entry + 1);
        if (entry === 0) consider(table, index + 1);
        table = [...table, `[${entry}]`];
      }
      consider(table, index + 1);
      continue;
    }
    const equals = keyEnd(line);
    if (equals > 0) consider([...table, ...splitKey(line.slice(0, equals))], index + 1);
    if (best && best.depth > path.length) return best.line;
  }
  return best?.line;
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** The index of the `=` that ends a key (outside quotes), or -1. */
function keyEnd(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '=') return i;
  }
  return -1;
}

/** `a."b.c".d` → ['a', 'b.c', 'd']. */
function splitKey(key: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of key.trim()) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '.') {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  return parts;
}

/** `profiles.prod.servers[1].name`: a key path as the messages show it. */
export function showKeyPath(path: readonly string[]): string {
  return path.reduce((shown, segment) => (/^\[\d+\]$/.test(segment) ? `${shown}${segment}` : shown === '' ? segment : `${shown}.${segment}`), '');
}
