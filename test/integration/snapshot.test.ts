import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import type { Session } from '../../src/sources/types.js';
import type { SnapshotDocument } from '../../src/store/snapshot-document.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { unsafeCharacters } from '../helpers/terminal-safety.js';
import { WaitAborted, waitUntil, withTimeout } from '../helpers/wait.js';
import { EVIL_QUERY, startWorkload, type Workload } from '../helpers/workload.js';

let sandbox: PostgresSandbox;
let workload: Workload;
let first: SnapshotDocument;

async function snapshotJson(): Promise<SnapshotDocument> {
  const result = await runCli(['snapshot', '--json', sandbox.uri()]);
  assert.equal(result.code, 0, `pgtop snapshot --json failed: ${result.stderr}`);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout) as SnapshotDocument;
}

function session(doc: SnapshotDocument, pid: number): Session {
  const found = doc.sessions.find((s) => s.pid === pid);
  assert.ok(found, `session ${pid} (${workload.applicationOf.get(pid)}) is missing from the snapshot`);
  return found;
}

before(async () => {
  sandbox = await startPostgres();
  workload = await startWorkload(sandbox);
  first = await snapshotJson();
});

after(async () => {
  await workload?.stop();
  await sandbox?.stop();
});

describe('pgtop snapshot --json', () => {
  test('lists every workload session with its application and state', () => {
    const { pids } = workload;
    const expected: [number, string, string][] = [
      ...pids.idle.map((pid): [number, string, string] => [pid, 'wl-idle', 'idle']),
      [pids.sleeper, 'wl-sleep', 'active'],
      [pids.idleInTransaction, 'wl-idle-xact', 'idle in transaction'],
      [pids.lockA, 'wl-lock-a', 'idle in transaction'],
      [pids.lockB, 'wl-lock-b', 'active'],
      [pids.lockC, 'wl-lock-c', 'active'],
      [pids.advisoryD, 'wl-adv-d', 'idle'],
      [pids.advisoryE, 'wl-adv-e', 'active'],
      [pids.evil, 'wl-evil', 'active'],
    ];
    assert.equal(expected.length, workload.allPids.length);
    for (const [pid, application, state] of expected) {
      const s = session(first, pid);
      assert.deepEqual(
        { application: s.application, state: s.state, user: s.user, database: s.database, hidden: s.hidden },
        { application, state, user: sandbox.superuser, database: 'postgres', hidden: false },
        `session ${pid}`,
      );
    }
    assert.ok(first.counts.idleInTransaction >= 2 && first.counts.active >= 5 && first.counts.waiting >= 3, JSON.stringify(first.counts));
  });

  test('reports the wait events PostgreSQL reports', () => {
    const { pids } = workload;
    const wait = (pid: number): string => {
      const s = session(first, pid);
      return `${s.waitEventType}:${s.waitEvent}`;
    };
    assert.equal(wait(pids.sleeper), 'Timeout:PgSleep');
    assert.equal(wait(pids.evil), 'Timeout:PgSleep');
    assert.equal(wait(pids.lockB), 'Lock:transactionid');
    assert.equal(wait(pids.lockC), 'Lock:tuple');
    assert.equal(wait(pids.advisoryE), 'Lock:advisory');
    assert.equal(wait(pids.idleInTransaction), 'Client:ClientRead');
  });

  test('reports who blocks whom, advisory locks included', () => {
    const { pids } = workload;
    assert.deepEqual(session(first, pids.lockB).blockedBy, [pids.lockA]);
    assert.deepEqual(session(first, pids.lockC).blockedBy, [pids.lockB]);
    assert.deepEqual(session(first, pids.advisoryE).blockedBy, [pids.advisoryD]);
    for (const pid of [pids.lockA, pids.advisoryD, pids.sleeper, pids.idleInTransaction, ...pids.idle]) {
      assert.deepEqual(session(first, pid).blockedBy, [], `session ${pid} is blocked by nobody`);
    }
    const ours = new Set(workload.allPids);
    const edges = first.blocking.filter((e) => ours.has(e.waiter)).sort((a, b) => a.waiter - b.waiter);
    assert.deepEqual(
      edges,
      [
        { waiter: pids.lockB, blocker: pids.lockA },
        { waiter: pids.lockC, blocker: pids.lockB },
        { waiter: pids.advisoryE, blocker: pids.advisoryD },
      ].sort((a, b) => a.waiter - b.waiter),
    );
    const lockType = (pid: number): string[] => (first.waitingLocks ?? []).filter((l) => l.pid === pid).map((l) => l.lockType);
    assert.deepEqual(lockType(pids.lockB), ['transactionid']);
    assert.deepEqual(lockType(pids.lockC), ['tuple']);
    assert.deepEqual(lockType(pids.advisoryE), ['advisory']);
  });

  test("leaves pgtop's own session out", () => {
    assert.deepEqual(
      first.sessions.filter((s) => s.application === 'pgtop'),
      [],
    );
  });

  test('gives the query text exactly as sent, control characters included', async () => {
    assert.equal(session(first, workload.pids.evil).query, EVIL_QUERY);
    const raw = await runCli(['snapshot', '--json', sandbox.uri()]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.deepEqual(unsafeCharacters(raw.stdout), [], 'JSON on stdout escapes every control character');
    const again = JSON.parse(raw.stdout) as SnapshotDocument;
    assert.equal(session(again, workload.pids.evil).query, EVIL_QUERY);
  });

  test('has no rates in a single snapshot', () => {
    assert.deepEqual(first.rates, { tps: null, hitRatio: null });
  });

  test('ages grow between two snapshots, by the time between them', async () => {
    const second = await snapshotJson();
    const elapsed = (Date.parse(second.server.now) - Date.parse(first.server.now)) / 1000;
    assert.ok(elapsed > 0, `the server's clock moved on (${first.server.now} → ${second.server.now})`);
    const { pids } = workload;
    const checks: [number, 'xactAgeSeconds' | 'queryAgeSeconds'][] = [
      [pids.sleeper, 'queryAgeSeconds'],
      [pids.sleeper, 'xactAgeSeconds'],
      [pids.idleInTransaction, 'xactAgeSeconds'],
      [pids.lockA, 'xactAgeSeconds'],
      [pids.lockC, 'queryAgeSeconds'],
      [pids.advisoryE, 'xactAgeSeconds'],
    ];
    for (const [pid, field] of checks) {
      const before = session(first, pid)[field];
      const later = session(second, pid)[field];
      assert.ok(typeof before === 'number' && typeof later === 'number', `${field} of ${pid} is a number (${before}, ${later})`);
      assert.ok(later > before, `${field} of ${pid} grows: ${before} → ${later}`);
      assert.ok(Math.abs(later - before - elapsed) < 0.01, `${field} of ${pid} grows by ${later - before} s, the server's clock by ${elapsed} s`);
    }
    assert.equal(session(second, pids.idle[0] ?? -1).xactAgeSeconds, null, 'an idle session has no transaction age');
  });
});

describe('pgtop snapshot --ndjson --watch', () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`prints one document per tick and exits 0 on ${signal} with no partial line`, async () => {
      const child = spawnCli(['snapshot', '--ndjson', '--watch', '0.5', sandbox.uri()]);
      children.push(child);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('close', (code, how) => resolve({ code, signal: how })),
      );
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      await waitUntil(
        () => {
          if (child.exitCode !== null) throw new WaitAborted(`pgtop exited (${child.exitCode}): ${stderr}`);
          return stdout.split('\n').length > 3;
        },
        { what: 'three lines of --ndjson output', timeoutMs: 20_000 },
      );
      child.kill(signal);
      const ending = await withTimeout(exited, { what: `pgtop snapshot --watch to exit after ${signal}`, timeoutMs: 5000 });
      assert.deepEqual(ending, { code: 0, signal: null }, `stderr: ${stderr}`);
      assert.equal(stderr, '');
      assert.ok(stdout.endsWith('\n'), 'the last line is complete');
      const docs = stdout
        .slice(0, -1)
        .split('\n')
        .map((line, i) => {
          assert.doesNotThrow(() => JSON.parse(line), `line ${i + 1} is valid JSON: ${line.slice(0, 200)}`);
          return JSON.parse(line) as SnapshotDocument;
        });
      assert.ok(docs.length >= 3);
      docs.forEach((doc, i) => {
        assert.ok(doc.sessions.some((s) => s.pid === workload.pids.sleeper), `line ${i + 1} lists the sleeper`);
        if (i === 0) {
          assert.deepEqual(doc.rates, { tps: null, hitRatio: null }, 'no rates on the first tick');
          return;
        }
        const previous = docs[i - 1];
        assert.ok(previous && Date.parse(doc.takenAt) > Date.parse(previous.takenAt), `takenAt of line ${i + 1} is later: ${previous?.takenAt} → ${doc.takenAt}`);
        assert.equal(typeof doc.rates.tps, 'number', `line ${i + 1} has a tps`);
        assert.ok((doc.rates.tps ?? -1) >= 0);
        assert.ok(doc.rates.hitRatio === null || (doc.rates.hitRatio >= 0 && doc.rates.hitRatio <= 1), `hit ratio ${doc.rates.hitRatio}`);
      });
    });
  }
});

describe('pgtop snapshot (table)', () => {
  test('lists the sessions and shows control characters as visible escapes', async () => {
    const result = await runCli(['snapshot', sandbox.uri()]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const lines = result.stdout.split('\n');
    const sleeperLine = lines.find((line) => new RegExp(`^\\s*${workload.pids.sleeper}\\s`).test(line));
    assert.ok(sleeperLine, `a line for the sleeper ${workload.pids.sleeper}:\n${result.stdout}`);
    assert.match(sleeperLine, /wl-sleep/);
    const evilLine = lines.find((line) => new RegExp(`^\\s*${workload.pids.evil}\\s`).test(line));
    assert.ok(evilLine, `a line for the evil query ${workload.pids.evil}`);
    assert.ok(evilLine.includes('\\x1b'), `ESC is written visibly as \\x1b: ${evilLine}`);
    assert.ok(!result.stdout.includes('\x1b'), 'no ESC reaches stdout');
    assert.deepEqual(unsafeCharacters(result.stdout), [], 'no control character reaches stdout');
  });
});
