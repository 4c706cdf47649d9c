import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { START_TIMEOUT_MS, unlessEnded, waitForDemo } from '../helpers/demo-checks.js';
import { startDemo, type DemoTerminal } from '../helpers/demo-terminal.js';
import { runProgram } from '../helpers/program.js';

const terminals: DemoTerminal[] = [];
after(() => {
  for (const terminal of terminals) terminal.kill();
});

/** The normal screen, kept by tmux while the monitor shows the alternate one; wrapped lines joined. */
function normalScreen(terminal: DemoTerminal): string {
  return execFileSync('tmux', ['-L', terminal.socket, 'capture-pane', '-p', '-a', '-J', '-t', 'e2e'], { encoding: 'utf8' });
}

/** psql run as the banner says, from an environment without any PG* variable. */
async function psqlAsBannerSays(commandLine: string, sql: string): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PG')) env[key] = value;
  const result = await runProgram('sh', ['-c', `${commandLine} -X -A -t -c ${JSON.stringify(sql)}`], { env });
  assert.equal(result.code, 0, `${commandLine} failed: ${result.stderr}`);
  return result.stdout.trim();
}

const sampleMigrations = readdirSync(join(repoRoot, 'migrations')).filter((name) => /^\d+_[a-z0-9_]+\.sql$/.test(name)).sort();

describe('pgtop demo for a newcomer', () => {
  test("the banner's psql line connects a second client, and the newest sample migration is left to apply from the view", { timeout: START_TIMEOUT_MS + 120_000 }, async () => {
    const terminal = startDemo({ args: ['--no-pgbouncer'] });
    terminals.push(terminal);
    await waitForDemo(terminal, { pgbouncer: false });

    const banner = normalScreen(terminal);
    const commandLine = /a second client, while it runs: (PGSERVICEFILE=\S+ psql service=\S+);/.exec(banner)?.[1];
    assert.ok(commandLine, `the banner gives a psql command line:\n${banner}`);
    assert.match(banner, /the password is in \S+pgpass\./, 'the banner says where the password is');
    assert.equal(await psqlAsBannerSays(commandLine, 'SELECT current_database()'), 'shop');

    const applied = await psqlAsBannerSays(commandLine, 'SELECT string_agg(version::text, \',\' ORDER BY version) FROM pgtop.schema_migrations');
    const expected = sampleMigrations.slice(0, -1).map((name) => String(Number(name.split('_')[0])));
    assert.equal(applied, expected.join(','), 'every sample migration but the newest is applied');

    terminal.sendKeys('4');
    const newest = sampleMigrations.at(-1) ?? '';
    await terminal.waitFor(unlessEnded((screen) => screen.includes('[4 Migrations]') && new RegExp(`${newest.slice(0, 4)}\\s+pending`).test(screen)), {
      what: `${newest} shown pending in the Migrations view`,
    });
    terminal.sendKeys('a');
    const plan = await terminal.waitFor(unlessEnded((screen) => /Apply 1 migrations?\?/.test(screen)), { what: 'the apply dialog' });
    assert.ok(plan.includes(newest), `the plan lists ${newest}:\n${plan}`);
    terminal.type('shop');
    terminal.sendKeys('Enter');
    await terminal.waitFor(unlessEnded((screen) => new RegExp(`${newest.slice(0, 4)}\\s+applied`).test(screen)), {
      what: `${newest} shown applied`,
      timeoutMs: 60_000,
    });
    terminal.sendKeys('q');
    assert.equal(await terminal.exitCode({ timeoutMs: 60_000 }), 0);
  });
});
