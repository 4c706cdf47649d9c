/** The words that name a command (`pgtop WORD`); any other single word is a database, as in psql. */
export const COMMAND_NAMES = ['snapshot', 'migrate', 'backup', 'demo', 'check', 'config', 'completion', 'record', 'replay', 'help'] as const;

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The command a word most likely meant: within two edits (one for words of four letters or fewer), or the
 * start of a command (`snap`, `mig`); undefined when the word is nothing like a command.
 */
export function commandTypoOf(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (lower.length < 3) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of COMMAND_NAMES) {
    const distance = name.startsWith(lower) ? 1 : editDistance(lower, name);
    if (distance <= (name.length <= 4 ? 1 : 2) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/**
 * Why a bare word cannot be taken as a database: it names a command, or nearly does, but not first on the
 * command line (where commands are looked for). Undefined for any other word.
 */
export function commandWordProblem(word: string, first: boolean): string | undefined {
  const exact = (COMMAND_NAMES as readonly string[]).includes(word.toLowerCase()) ? word.toLowerCase() : undefined;
  const meant = exact ?? commandTypoOf(word);
  if (meant === undefined) return undefined;
  const tail = `(For a database named "${word}", use -d ${word}.) Try: pgtop --help`;
  const unknown = `unknown command "${word}"; did you mean "${meant}"?`;
  if (first) return `${unknown} ${tail}`;
  const order = `comes before any option: pgtop ${meant} …`;
  return exact !== undefined ? `"${word}" is a command, and a command ${order} ${tail}` : `${unknown} A command ${order} ${tail}`;
}

/** A lone argument that could be a command or a database name: a plain word, not a conninfo, URI or option. */
export function isBareWord(text: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(text);
}
