import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { AuditEntry } from '../../src/audit/log.js';
import type { ConnectionSettings } from '../../src/config/types.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { PostgresSource } from '../../src/sources/postgres.js';
import { initialState } from '../../src/store/state.js';
import { Fleet, type FleetTarget } from '../../src/ui/fleet.js';
import { screenLines } from '../../src/ui/screen-lines.js';
import { displayWidth } from '../../src/text/width.js';
import { SessionPool, activity } from '../helpers/e2e-sessions.js';
import { waitUntil } from '../helpers/wait.js';

let alpha: PostgresSandbox;
let beta: PostgresSandbox;
let alphaSessions: SessionPool;
let betaSessions: SessionPool;
/** Accepts connections and never answers: a server that hangs rather than refuses. */
let blackHole: Server;
const heldSockets: Socket[] = [];

before(async () => {
  [alpha, beta] = await Promise.all([startPostgres(), startPostgres()]);
  alphaSessions = new SessionPool(alpha);
  betaSessions = new SessionPool(beta);
  blackHole = createServer((socket) => {
    heldSockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  for (const socket of heldSockets) socket.destroy();
  await new Promise<void>((resolve) => blackHole?.close(() => resolve()));
  await alphaSessions?.closeAll();
  await betaSessions?.closeAll();
  await Promise.all([alpha?.stop(), beta?.stop()]);
});

const settingsOf = (sandbox: PostgresSandbox): ConnectionSettings => ({
  host: sandbox.host,
  port: sandbox.port,
  user: sandbox.superuser,
  password: sandbox.password,
  database: 'postgres',
  sslmode: 'disable',
  extra: {},
});

interface Built {
  fleet: Fleet;
  sources: PostgresSource[];
  audit: AuditEntry[];
}

function buildFleet(targets: { name: string; settings: ConnectionSettings }[], intervalSeconds: number): Built {
  const audit: AuditEntry[] = [];
  const names = targets.map((t) => t.name);
  const sources = targets.map((t) => new PostgresSource(t.settings, { statementTimeoutMs: 2000, tickDeadlineMs: 3000 }));
  const fleetTargets = targets.map((t, index): FleetTarget => {
    const source = sources[index] as PostgresSource;
    return {
      name: t.name,
      initial: initialState({ intervalSeconds, readOnly: false, columns: 80, rows: 30, target: source.target, targetName: t.name, targetNames: names }),
      deps: { source, settings: t.settings, onQuit: () => undefined, writeAudit: (entry) => { audit.push(entry); return undefined; } },
    };
  });
  return { fleet: new Fleet(fleetTargets), sources, audit };
}

async function stopFleet(built: Built): Promise<void> {
  await built.fleet.shutdown();
  await Promise.all(built.sources.map((s) => s.close()));
}

/** Counts the good ticks of one target: each new lastGoodAt is one. */
function tickCounter(fleet: Fleet, name: string): () => number {
  const controller = fleet.controllerOf(name);
  assert.ok(controller, `no target ${name}`);
  let count = 0;
  let last = controller.getState().pg.lastGoodAt;
  controller.subscribe(() => {
    const at = controller.getState().pg.lastGoodAt;
    if (at !== last) count++;
    last = at;
  });
  return () => count;
}

const typeKeys = (fleet: Fleet, text: string): void => {
  for (const ch of text) fleet.handleKey(ch, ch);
};

describe('several targets in one screen', () => {
  test('a target that never answers stalls none of the others: they keep refreshing at their interval', { timeout: 120_000 }, async () => {
    const hole = blackHole.address() as AddressInfo;
    const built = buildFleet(
      [
        { name: 'alpha', settings: settingsOf(alpha) },
        { name: 'hung', settings: { ...settingsOf(alpha), host: '127.0.0.1', port: hole.port } },
        { name: 'beta', settings: settingsOf(beta) },
      ],
      0.5,
    );
    const { fleet } = built;
    const alphaTicks = tickCounter(fleet, 'alpha');
    const betaTicks = tickCounter(fleet, 'beta');
    fleet.start();
    try {
      const hung = fleet.controllerOf('hung');
      await waitUntil(() => hung?.getState().pg.error !== undefined, { what: 'the hung target to be reported down', timeoutMs: 30_000 });
      const [alphaAtDown, betaAtDown] = [alphaTicks(), betaTicks()];
      // While the hung target's ticks wait for their deadline, the others go on: five more ticks each.
      await waitUntil(() => alphaTicks() >= alphaAtDown + 5 && betaTicks() >= betaAtDown + 5, { what: 'alpha and beta to keep ticking', timeoutMs: 60_000 });
      assert.equal(hung?.getState().pg.lastGoodAt, undefined, 'the hung target never had data');
      assert.ok(hung?.getState().pg.error, 'and is still down');

      const summaries = await waitUntil(() => {
        const s = fleet.getState().targets.summaries;
        return s.length === 3 && s.every((one) => one.name === 'hung' || one.connections !== undefined) ? s : undefined;
      }, { what: 'a summary of each target on the shown screen', timeoutMs: 30_000 });
      assert.deepEqual(summaries.map((s) => s.name), ['alpha', 'hung', 'beta']);
      const lines = screenLines(fleet.getState());
      const [alphaLine, hungLine, betaLine] = [lines[2] ?? '', lines[3] ?? '', lines[4] ?? ''];
      assert.match(alphaLine, /▸ alpha\s+primary\s+conns \d+\/\d+ act \d+ wait 0 lag -/, alphaLine);
      assert.match(hungLine, /^ {2}hung\s+\?\s+DOWN/, hungLine);
      assert.match(betaLine, /^ {2}beta\s+primary\s+conns/, betaLine);
      for (const line of lines) assert.equal(displayWidth(line), 80, `every line is 80 columns wide: ${line}`);
    } finally {
      await stopFleet(built);
    }
  });

  test('the picker switches to the second server, and a terminate confirmed there ends the session there only', { timeout: 120_000 }, async () => {
    const [onAlpha, onBeta] = await Promise.all([alphaSessions.sleeper('fleet-victim'), betaSessions.sleeper('fleet-victim')]);
    const built = buildFleet(
      [
        { name: 'alpha', settings: settingsOf(alpha) },
        { name: 'beta', settings: settingsOf(beta) },
      ],
      1,
    );
    const { fleet } = built;
    fleet.start();
    try {
      fleet.handleKey(':', ':');
      typeKeys(fleet, 'b');
      fleet.handleKey('tab', '');
      assert.equal(fleet.getState().targets.pickerDraft, 'beta', 'Tab completes the one name that starts so');
      fleet.handleKey('enter', '');
      assert.equal(fleet.getState().targets.current, 'beta');
      assert.equal(fleet.getState().targets.pickerDraft, undefined);

      fleet.handleKey('/', '/');
      typeKeys(fleet, 'fleet-victim');
      fleet.handleKey('enter', '');
      await waitUntil(() => fleet.getState().pg.snapshot?.sessions.some((s) => s.pid === onBeta.pid), { what: "beta's victim listed", timeoutMs: 30_000 });
      fleet.handleKey('K', 'K');
      const dialog = fleet.getState().dialog;
      assert.equal(dialog?.kind, 'signal');
      assert.deepEqual(dialog?.kind === 'signal' ? dialog.targets.map((t) => t.pid) : [], [onBeta.pid]);
      const screen = screenLines(fleet.getState()).join('\n');
      assert.match(screen, new RegExp(`Terminate session ${onBeta.pid} on beta\\?`), screen);
      assert.match(screen, new RegExp(`target beta: 127\\.0\\.0\\.1:${beta.port}/postgres`), screen);

      fleet.handleKey('y', 'y');
      const outcome = await onBeta.outcome;
      assert.equal(outcome?.code, '57P01', "beta's session was terminated");
      assert.equal((await activity(alpha, onAlpha.pid))?.state, 'active', "alpha's session with the same name still runs");
      await waitUntil(() => built.audit.length > 0, { what: 'the audit entry', timeoutMs: 10_000 });
      assert.equal(built.audit[0]?.target, `127.0.0.1:${beta.port}/postgres`);
    } finally {
      await stopFleet(built);
    }
  });
});
