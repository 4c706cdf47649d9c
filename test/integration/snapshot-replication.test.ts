import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { createLogicalSlot, PRIMARY_SETTINGS, startStandby, waitForStreaming } from '../../src/sandbox/standby.js';
import type { SnapshotDocument } from '../../src/store/snapshot-document.js';
import { runCli } from '../helpers/cli.js';

let primary: PostgresSandbox;
let standby: PostgresSandbox;

before(async () => {
  primary = await startPostgres({ settings: PRIMARY_SETTINGS });
  standby = await startStandby(primary);
  await waitForStreaming(primary);
  await createLogicalSlot(primary, 'snapshot_slot');
});

after(async () => {
  await standby?.stop();
  await primary?.stop();
});

async function snapshotOf(uri: string): Promise<SnapshotDocument> {
  const result = await runCli(['snapshot', '--json', uri]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as SnapshotDocument;
}

it('snapshot --json has replication, vacuum and findings sections, on a primary and on its standby', async () => {
  const doc = await snapshotOf(primary.uri());
  assert.equal(doc.replication?.role, 'primary');
  assert.deepEqual(doc.replication?.standbys.map((s) => [s.name, s.state]), [['standby1', 'streaming']]);
  assert.deepEqual(doc.replication?.slots.map((s) => s.name).sort(), ['snapshot_slot', 'standby1']);
  assert.equal(doc.replication?.walBytesPerSecond, null);
  assert.ok(doc.vacuum?.horizon.some((h) => h.kind === 'slot-catalog' && h.id === 'snapshot_slot'));
  assert.ok(doc.vacuum?.wraparound.some((d) => d.database === 'postgres'));
  assert.deepEqual(doc.findings, []);

  const onStandby = await snapshotOf(standby.uri());
  assert.equal(onStandby.replication?.role, 'standby');
  assert.equal(onStandby.replication?.recovery?.receiverStatus, 'streaming');
  assert.equal(onStandby.replication?.recovery?.upstreamPort, primary.port);
});
