import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One revision as its file declares it. */
export interface AlembicRevision {
  revision: string;
  /** The revisions it follows: none for a base, two or more for a merge. */
  downRevisions: string[];
  dependsOn: string[];
  branchLabels: string[];
  /** The first line of its docstring (the `-m` message). */
  message: string;
  /** Absolute path of its file. */
  path: string;
}

/** A revision file pgtop could not read without running it, and why. */
export interface UnreadableRevisionFile {
  path: string;
  reason: string;
}

const STRING = String.raw`(?:'([^'\\\n]*)'|"([^"\\\n]*)")`;

/** The right-hand side of a top-level `name = …` or `name: type = …` assignment. */
function assignment(text: string, name: string): string | undefined {
  const pattern = new RegExp(String.raw`^${name}\s*(?::[^=\n]+)?=\s*(.+)$`, 'm');
  const match = pattern.exec(text);
  if (!match) return undefined;
  let value = (match[1] ?? '').trim();
  // A tuple or list that continues on the following lines.
  if (/^[([]/.test(value) && !/[)\]]\s*(#.*)?$/.test(value)) {
    const rest = text.slice((match.index ?? 0) + match[0].length);
    const close = /[)\]]/.exec(rest);
    if (close) value += rest.slice(0, close.index + 1);
  }
  return value.replace(/\s+#[^'"]*$/, '').trim();
}

/** A literal: None, a string, or a tuple/list of strings. Undefined when it is anything else (code). */
export function stringsOf(literal: string | undefined): string[] | undefined {
  if (literal === undefined || literal === 'None') return [];
  const single = new RegExp(`^${STRING}$`).exec(literal);
  if (single) return [single[1] ?? single[2] ?? ''];
  const sequence = /^[([]([\s\S]*)[)\]]$/.exec(literal);
  if (!sequence) return undefined;
  const inner = (sequence[1] ?? '').trim();
  if (inner === '') return [];
  const items = inner.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const values: string[] = [];
  for (const item of items) {
    const match = new RegExp(`^${STRING}$`).exec(item);
    if (!match) return undefined;
    values.push(match[1] ?? match[2] ?? '');
  }
  return values;
}

function docstringFirstLine(text: string): string {
  const match = /^\s*(?:[rRuU])?("""|''')([\s\S]*?)\1/.exec(text);
  if (!match) return '';
  return (match[2] ?? '').split('\n').map((line) => line.trim()).find((line) => line !== '') ?? '';
}

/** Reads one revision file's identifiers from its text, without running it. */
export function parseRevisionFile(text: string, path: string): AlembicRevision | UnreadableRevisionFile {
  const revision = stringsOf(assignment(text, 'revision'));
  if (revision?.length !== 1 || !revision[0]) return { path, reason: 'no `revision = "…"` string assignment' };
  const down = stringsOf(assignment(text, 'down_revision'));
  if (!down) return { path, reason: '`down_revision` is not None, a string or a tuple of strings' };
  const dependsOn = stringsOf(assignment(text, 'depends_on')) ?? [];
  const branchLabels = stringsOf(assignment(text, 'branch_labels')) ?? [];
  return { revision: revision[0], downRevisions: down, dependsOn, branchLabels, message: docstringFirstLine(text), path };
}

/** Every `*.py` file in the version directories (not `__init__.py`), read statically. */
export function readRevisionFiles(versionDirs: readonly string[]): { revisions: AlembicRevision[]; unreadable: UnreadableRevisionFile[] } {
  const revisions: AlembicRevision[] = [];
  const unreadable: UnreadableRevisionFile[] = [];
  for (const dir of versionDirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      unreadable.push({ path: dir, reason: `cannot list the directory: ${(error as Error).message}` });
      continue;
    }
    for (const name of names.filter((file) => file.endsWith('.py') && file !== '__init__.py').sort()) {
      const path = join(dir, name);
      const parsed = parseRevisionFile(readFileSync(path, 'utf8'), path);
      if ('revision' in parsed) revisions.push(parsed);
      else unreadable.push(parsed);
    }
  }
  return { revisions, unreadable };
}
