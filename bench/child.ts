import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { pgtopNodeOptions } from './pgtop-command.js';
import { DIST_ENV, distUrl, repoRoot } from './product.js';
import type { ChildJob } from './render-child.js';

/** What the measuring child imports: compiled to plain JavaScript, so no TypeScript loader sits in its memory. */
const CHILD_FILES = ['render-child', 'product', 'render', 'memory', 'fake-terminal', 'stats', 'synthetic', 'keys'];
const benchDir = fileURLToPath(new URL('./', import.meta.url));
/** Inside node_modules, so the child resolves react, ink and pg from the project; one per checkout sharing them. */
const outDir = join(repoRoot, 'node_modules', '.cache', 'pgtop-bench', createHash('sha1').update(repoRoot).digest('hex').slice(0, 12));

export function compileChild(): string {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module", "private": true }\n');
  for (const name of CHILD_FILES) {
    const source = readFileSync(join(benchDir, `${name}.ts`), 'utf8');
    const output = ts.transpileModule(source, {
      fileName: `${name}.ts`,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, jsx: ts.JsxEmit.ReactJSX, sourceMap: false },
      reportDiagnostics: true,
    });
    if (output.diagnostics?.length) throw new Error(`bench/${name}.ts: ${ts.flattenDiagnosticMessageText(output.diagnostics[0]?.messageText ?? '', '\n')}`);
    writeFileSync(join(outDir, `${name}.js`), output.outputText);
  }
  return join(outDir, 'render-child.js');
}

/** The environment the product runs in: without CI markers (Ink draws differently when it sees them). */
export function productEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_') || key.startsWith('PG') || key.startsWith('TMUX')) continue;
    if (key === 'NODE_OPTIONS' || key === 'COLUMNS' || key === 'LINES' || key === 'FORCE_COLOR' || key === 'NO_COLOR') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs one job in a fresh `node --expose-gc`, with the V8 options pgtop runs with, and returns its result; its progress lines go to `say`. */
export function runChild<T>(script: string, job: ChildJob, say: (line: string) => void, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...pgtopNodeOptions(), script, JSON.stringify(job)], {
      cwd: repoRoot,
      // Colours as in a 256-colour terminal (tmux): with its output a pipe, the child would draw none, the selection included.
      env: productEnv({ [DIST_ENV]: process.env[DIST_ENV] ?? distUrl, FORCE_COLOR: '2' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      err = (err + text).slice(-4000);
      // Ink restores the cursor on exit: escape sequences are no progress line.
      for (const line of text.split('\n')) if (line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').trim()) say(line);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as T);
      else reject(new Error(`the ${job.kind} measurement failed (${signal ?? `exit ${code}`}): ${err.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}
