import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { runOk } from '../helpers/program.js';
import { importsOf, sourceFiles } from '../helpers/source-files.js';

/** What the compiled program loads: modules it does not need cost memory for as long as it runs. */

const dist = join(repoRoot, 'dist');
const { dependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

const packageOf = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
};

/** The modules a compiled file loads: its imports, and what it requires at run time. */
function loadsOf(text: string): string[] {
  return [...importsOf(text), ...[...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1] ?? '')];
}

/** Runs a module's text in a fresh node and returns what it printed. */
async function inNode(script: string): Promise<string> {
  const result = await runOk(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, env: { ...process.env, NODE_ENV: 'production' } });
  return result.stdout.trim();
}

describe('Ink, as the build leaves it', () => {
  test('dist/ui/ink.js holds Ink and its packages: it loads only Node and the packages pgtop depends on itself', () => {
    const text = readFileSync(join(dist, 'ui', 'ink.js'), 'utf8');
    const outside = [...new Set(loadsOf(text))].filter((specifier) => {
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return false;
      return packageOf(specifier) === 'ink' || !(packageOf(specifier) in dependencies);
    });
    assert.deepEqual(outside, [], 'every module of Ink and of what it loads (es-toolkit above all) is inside the bundle');
    assert.ok(loadsOf(text).includes('react'), "React stays outside, so that Ink's hooks and pgtop's components share it");
  });

  test('renders and reads keys with the React pgtop loads', async () => {
    const printed = await inNode(`
      import { PassThrough } from 'node:stream';
      const { render, useInput } = await import('./dist/ui/ink.js');
      const React = (await import('react')).default;
      const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode() {}, ref() {}, unref() {} });
      const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
      stdout.resume();
      let seen = '';
      function Keys() {
        useInput((input) => { seen += input; if (seen === 'ab') { app.unmount(); } });
        return null;
      }
      const app = render(React.createElement(Keys), { stdin, stdout, stderr: stdout, exitOnCtrlC: false, patchConsole: false });
      setTimeout(() => stdin.write('a'), 10);
      setTimeout(() => stdin.write('b'), 20);
      await app.waitUntilExit();
      console.log(seen);
    `);
    assert.equal(printed, 'ab');
  });
});

describe("Node's fetch, which pgtop never calls", () => {
  test("loading the monitor's code leaves Node's fetch unloaded, and Response still works after", async () => {
    const printed = await inNode(`
      for (const module of ['db/connect.js', 'db/admin-client.js', 'sources/postgres.js', 'ui/ink.js', 'ui/App.js', 'commands/top-screen.js']) {
        await import('./dist/' + module);
      }
      const undici = () => process.moduleLoadList.some((name) => name.includes('undici'));
      const before = undici();
      const text = await new Response('still there').text();
      console.log(JSON.stringify({ before, text, after: undici() }));
    `);
    assert.deepEqual(JSON.parse(printed), { before: false, text: 'still there', after: true });
  });

  test("only src/db/pg-driver.ts imports pg's values; the rest import types, or pg through it", () => {
    const src = join(repoRoot, 'src');
    const direct = sourceFiles(src).filter((file) => {
      const text = readFileSync(file, 'utf8');
      return /^import (?!type\b)[^;]*from 'pg';/m.test(text) || /\bimport\(\s*'pg'\s*\)/.test(text);
    });
    assert.deepEqual(
      direct.map((file) => relative(src, file)),
      [join('db', 'pg-driver.ts')],
    );
  });
});
