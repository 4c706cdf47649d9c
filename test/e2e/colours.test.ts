import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { SessionPool, showsPid, type RunningSession } from '../helpers/e2e-sessions.js';
import { startPgtop, type PgtopTerminal } from '../helpers/tmux.js';

let sandbox: PostgresSandbox;
let pool: SessionPool;
let active: RunningSession;

before(async () => {
  sandbox = await startPostgres();
  pool = new SessionPool(sandbox);
  active = await pool.sleeper('e2e-colours-app');
});

after(async () => {
  await pool?.closeAll();
  await sandbox?.stop();
});

const TEST_TIMEOUT = 90_000;

/** Every SGR parameter list the capture holds (`\x1b[1;36m` → ['1', '36']). */
function sgrParameters(screen: string): string[][] {
  return [...screen.matchAll(/\x1b\[([0-9;:]*)m/g)].map((match) => (match[1] ?? '').split(/[;:]/));
}

/** Foreground or background colours (30–38, 40–48, 90–97, 100–107); 39 and 49 only restore the defaults. */
function colourParameters(screen: string): string[] {
  return sgrParameters(screen)
    .flat()
    .filter((p) => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p));
}

async function frameOf(args: string[], env: Record<string, string> = {}): Promise<string> {
  let terminal: PgtopTerminal | undefined;
  try {
    terminal = startPgtop([...args, sandbox.uri()], { columns: 120, rows: 30, env });
    return await terminal.waitForFrameWithEscapes((screen) => showsPid(screen, active.pid), { what: 'the active session', timeoutMs: 45_000 });
  } finally {
    terminal?.kill();
  }
}

async function profileFrame(args: string[], env: Record<string, string>): Promise<string> {
  let terminal: PgtopTerminal | undefined;
  try {
    terminal = startPgtop(args, { columns: 160, rows: 30, env });
    return await terminal.waitForFrameWithEscapes((screen) => showsPid(screen, active.pid), { what: 'the active session', timeoutMs: 45_000 });
  } finally {
    terminal?.kill();
  }
}

describe('colours', () => {
  test('by default the screen has colours', { timeout: TEST_TIMEOUT }, async () => {
    const frame = await frameOf([]);
    assert.ok(colourParameters(frame).includes('36'), `the cyan title is drawn:\n${JSON.stringify(frame.slice(0, 400))}`);
  });

  for (const [what, args, env] of [
    ['NO_COLOR=1', [], { NO_COLOR: '1' }],
    ['--no-color', ['--no-color'], {}],
  ] as const) {
    test(`${what}: no colour codes, and the selected row is still shown in inverse`, { timeout: TEST_TIMEOUT }, async () => {
      const frame = await frameOf([...args], { ...env });
      assert.deepEqual(colourParameters(frame), [], 'no colour in the frame');
      assert.ok(sgrParameters(frame).some((params) => params.includes('7')), 'inverse marks the selected row');
    });
  }

  test('--theme light: blue title, no yellow or cyan', { timeout: TEST_TIMEOUT }, async () => {
    const frame = await frameOf(['--theme', 'light']);
    const colours = colourParameters(frame);
    assert.ok(colours.includes('34'), `the blue title is drawn: ${colours.join(',')}`);
    assert.ok(!colours.includes('33') && !colours.includes('36'), `no yellow or cyan: ${colours.join(',')}`);
  });

  test("a profile's label is in the header, in its colour; without colours it is still there", { timeout: TEST_TIMEOUT * 2 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgtop-label-'));
    try {
      const configFile = join(dir, 'config.toml');
      writeFileSync(configFile, `[profiles.prod]\nconnection = "host=${sandbox.host} port=${sandbox.port} user=${sandbox.superuser} dbname=postgres"\nlabel = "PRODUCTION"\ncolor = "red"\n`);
      const env = { PGTOP_CONFIG: configFile, PGPASSWORD: sandbox.password };
      const between = (frame: string): string => {
        const first = frame.split('\n')[0] ?? '';
        return first.slice(first.indexOf('pgtop') + 5, first.indexOf('PRODUCTION'));
      };
      const coloured = await profileFrame(['--profile', 'prod'], env);
      assert.ok(coloured.split('\n')[0]?.includes('PRODUCTION'), 'the label is on the first line');
      const params = sgrParameters(between(coloured)).flat();
      assert.ok(params.includes('31') && params.includes('7'), `the label is a red bar: ${JSON.stringify(between(coloured))}`);
      const plain = await profileFrame(['--profile', 'prod'], { ...env, NO_COLOR: '1' });
      assert.ok(plain.split('\n')[0]?.includes('PRODUCTION'), 'the label is shown without colours');
      assert.deepEqual(colourParameters(plain), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unknown theme is refused', { timeout: TEST_TIMEOUT }, async () => {
    const terminal = startPgtop(['--theme', 'solarized', sandbox.uri()], { columns: 120, rows: 30 });
    try {
      assert.equal(await terminal.exitCode(), 2);
      assert.match(terminal.screen(), /--theme must be dark or light, not "solarized"/);
    } finally {
      terminal.kill();
    }
  });
});
