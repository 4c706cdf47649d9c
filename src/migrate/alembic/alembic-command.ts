import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { AlembicRevision } from './revision-file.js';

/** How to start the project's `alembic`: the program and the arguments before Alembic's own. */
export interface AlembicCommand {
  /** The `alembic` script found on PATH. */
  path: string;
  /** Its Python interpreter, from the script's first line, when it is a Python script. */
  interpreter: string | undefined;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function interpreterOf(script: string): string | undefined {
  let head = '';
  try {
    head = readFileSync(script, 'utf8').slice(0, 200).split('\n')[0] ?? '';
  } catch {
    return undefined;
  }
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(head);
  if (!shebang) return undefined;
  if (shebang[1]?.endsWith('/env')) return shebang[2]?.startsWith('python') ? shebang[2] : undefined;
  return shebang[1]?.includes('python') ? shebang[1] : undefined;
}

/** The `alembic` on PATH, or undefined when it is not installed. */
export function findAlembic(env: NodeJS.ProcessEnv = process.env): AlembicCommand | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'alembic');
    if (executable(candidate)) return { path: candidate, interpreter: interpreterOf(candidate) };
  }
  return undefined;
}

/** Parses `alembic history -v`: blocks that start `Rev: ID …` followed by Parent/Merges/Path lines and the indented docstring. */
export function parseVerboseHistory(text: string): AlembicRevision[] {
  const revisions: AlembicRevision[] = [];
  let current: AlembicRevision | undefined;
  let inMessage = false;
  const list = (value: string): string[] => (value.trim() === '<base>' ? [] : value.split(',').map((item) => item.trim()).filter((item) => item !== ''));
  for (const line of text.split(/\r?\n/)) {
    const rev = /^Rev: (\S+)/.exec(line);
    if (rev) {
      current = { revision: rev[1] ?? '', downRevisions: [], dependsOn: [], branchLabels: [], message: '', path: '' };
      revisions.push(current);
      inMessage = false;
      continue;
    }
    if (!current) continue;
    const field = /^(Parent|Merges|Also depends on|Branch names|Path): (.*)$/.exec(line);
    if (field && !inMessage) {
      const value = field[2] ?? '';
      if (field[1] === 'Parent' || field[1] === 'Merges') current.downRevisions = list(value);
      else if (field[1] === 'Also depends on') current.dependsOn = list(value);
      else if (field[1] === 'Branch names') current.branchLabels = list(value);
      else current.path = value.trim();
      continue;
    }
    if (/^ {4}\S/.test(line) && !current.message) {
      current.message = line.trim();
      inMessage = true;
    }
  }
  return revisions;
}

/** Runs `alembic ARGS` in the project directory and returns its output; rejects with Alembic's own error text. */
export function runAlembicQuery(command: AlembicCommand, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command.path, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const last = stderr.trim().split('\n').filter((line) => line.trim() !== '').slice(-3).join(' ');
        reject(new Error(last || error.message));
      } else resolve(stdout);
    });
  });
}
