import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, lines, showsPid } from '../helpers/e2e-sessions.js';
import { startPgtop } from '../helpers/tmux.js';

let east: PostgresSandbox;
let west: PostgresSandbox;
let westSessions: SessionPool;
let dir: string;

before(async () => {
  [east, west] = await Promise.all([startPostgres(), startPostgres()]);
  westSessions = new SessionPool(west);
  dir = mkdtempSync(join(tmpdir(), 'pgtop-targets-'));
});

after(async () => {
  await westSessions?.closeAll();
  await Promise.all([east?.stop(), west?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the : target picker', () => {
  test('shows a line per server, completes a name with Tab, switches with Enter, and Esc leaves the screen as it was', { timeout: 180_000 }, async () => {
    const sleeper = await westSessions.sleeper('e2e-west-only');
    const config = join(dir, 'config.toml');
    writeFileSync(
      config,
      `default_profile = "pair"\n\n[profiles.pair]\n\n[[profiles.pair.servers]]\nname = "east"\nconnection = "host=127.0.0.1 port=${east.port} user=${east.superuser} dbname=postgres"\n\n` +
        `[[profiles.pair.servers]]\nname = "west"\nconnection = "host=127.0.0.1 port=${west.port} user=${west.superuser} dbname=postgres"\n`,
    );
    const passfile = join(dir, 'pgpass');
    writeFileSync(passfile, `127.0.0.1:${east.port}:*:${east.superuser}:${east.password}\n127.0.0.1:${west.port}:*:${west.superuser}:${west.password}\n`, { mode: 0o600 });
    const terminal = startPgtop(['--interval', '1'], { columns: 80, rows: 30, env: { PGTOP_CONFIG: config, PGPASSFILE: passfile } });
    try {
      const first = await terminal.waitForFrame((screen) => /▸ east\s+primary\s+conns/.test(screen) && /^ {2}west\s+primary\s+conns/m.test(screen), {
        what: 'a summary line for each server, east shown',
        timeoutMs: 60_000,
      });
      assert.match(lines(first)[0] ?? '', new RegExp(`127\\.0\\.0\\.1:${east.port}/postgres`), 'the header names the shown server');
      assert.ok(!showsPid(first, sleeper.pid), "west's session is not on east's screen");

      terminal.sendKeys(':');
      await terminal.waitForFrame(/:█\s+east west\s+Tab completes/, { what: 'the picker with both names' });
      terminal.sendKeys('w');
      terminal.sendKeys('Tab');
      await terminal.waitForFrame(/:west█/, { what: 'Tab completing west' });
      terminal.sendKeys('Enter');
      const switched = await terminal.waitForFrame((screen) => /▸ west/.test(screen) && showsPid(screen, sleeper.pid), { what: "west's screen with its session", timeoutMs: 30_000 });
      assert.match(lines(switched)[0] ?? '', new RegExp(`127\\.0\\.0\\.1:${west.port}/postgres`), 'the header names west now');

      terminal.sendKeys(':');
      await terminal.waitForFrame(/:█/, { what: 'the picker open again' });
      terminal.sendKeys('e');
      terminal.sendKeys('Escape');
      const kept = await terminal.waitForFrame((screen) => !/:e█/.test(screen) && /▸ west/.test(screen), { what: 'Esc closing the picker on west' });
      assert.ok(showsPid(kept, sleeper.pid), 'still on west');

      terminal.sendKeys('q');
      assert.equal(await terminal.exitCode(), 0);
    } finally {
      terminal.kill();
    }
  });
});
