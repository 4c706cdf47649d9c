import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import type { SnapshotDocument } from '../../src/store/snapshot-document.js';
import { cliEnv, repoRoot } from '../helpers/cli.js';
import { runOk } from '../helpers/program.js';
import { isWholeFrame, shellQuote, startTerminal } from '../helpers/tmux.js';

// PATH for the executable: one directory whose only program is a `node` that leaves a mark when run.
const noNodeDir = mkdtempSync(join(tmpdir(), 'pgtop-no-node-'));
const nodeCalled = join(noNodeDir, 'node-was-called');
const executable = join(repoRoot, 'build', 'pgtop');
let sandbox: PostgresSandbox;

function withoutNode(): NodeJS.ProcessEnv {
  return cliEnv({ PATH: noNodeDir });
}

before(async () => {
  writeFileSync(join(noNodeDir, 'node'), `#!/bin/sh\necho "$@" >> ${shellQuote(nodeCalled)}\nexit 127\n`);
  chmodSync(join(noNodeDir, 'node'), 0o755);
  await runOk('npm', ['run', 'build:bin'], { cwd: repoRoot, timeoutMs: 300_000 });
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
  rmSync(noNodeDir, { recursive: true, force: true });
});

describe('the single executable, with no node on PATH', { timeout: 400_000 }, () => {
  test('--version prints the package version', async () => {
    const result = await runOk(executable, ['--version'], { env: withoutNode() });
    assert.equal(result.stdout.trim(), '0.1.0');
  });

  test('snapshot --json reads a real server', async () => {
    const result = await runOk(executable, ['snapshot', '--json', sandbox.uri()], { env: withoutNode(), timeoutMs: 60_000 });
    const document = JSON.parse(result.stdout) as SnapshotDocument;
    assert.ok(document.sessions.length > 0, 'the snapshot lists sessions');
    assert.equal(result.stderr, '');
  });

  test('the monitor draws a whole frame in a terminal and quits on q', async () => {
    const command = `PATH=${shellQuote(noNodeDir)} ${shellQuote(executable)} ${shellQuote(sandbox.uri())}`;
    const terminal = startTerminal(command, { columns: 120, rows: 30 });
    try {
      const frameWithData = (text: string): boolean =>
        isWholeFrame(text, 30) && /^\s*pgtop\s+pg \d/.test(text) && /\[1 Sessions\]/.test(text) && /^\s*PID\b/m.test(text);
      await terminal.waitFor(frameWithData, { what: 'a whole frame with the server version and the sessions', timeoutMs: 30_000 });
      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
    } finally {
      terminal.kill();
    }
  });

  test('none of it ran node', () => {
    assert.equal(existsSync(nodeCalled), false);
  });
});
