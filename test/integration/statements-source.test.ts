import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { resetStatements } from '../../src/actions/statements-reset.js';
import type { AuditEntry } from '../../src/audit/log.js';
import { startPostgres, type PostgresSandbox } from '../../src/sandbox/postgres.js';
import { StatementsSource } from '../../src/sources/statements/source.js';
import { computeStatementRates } from '../../src/store/statement-rates.js';
import type { SnapshotDocument } from '../../src/store/snapshot-document.js';
import { runCli } from '../helpers/cli.js';
import { describeEachMajor } from '../helpers/majors.js';
import { waitUntil } from '../helpers/wait.js';
import { fetchStatements, keyOfText, runTimes, sandboxSettings } from '../helpers/statements.js';

describeEachMajor('pg_stat_statements source', (major) => {
  let sandbox: PostgresSandbox;
  let source: StatementsSource;
  before(async () => {
    sandbox = await startPostgres({ major, settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.max': 100 } });
    await sandbox.query('CREATE EXTENSION pg_stat_statements');
    await sandbox.query('CREATE DATABASE other');
    await sandbox.query("CREATE ROLE plain LOGIN PASSWORD 'plain-secret'");
    source = new StatementsSource(sandboxSettings(sandbox));
  });
  after(async () => {
    await source?.close();
    await sandbox?.stop();
  });

  it('rates match a known workload: N calls in the interval give N / interval calls per second', async () => {
    await runTimes(sandbox, 'SELECT count(*) AS rate_probe FROM pg_class', 3);
    const first = await fetchStatements(source);
    const key = await keyOfText(source, first, 'rate_probe');
    assert.ok(key, 'the probe statement is tracked');
    await runTimes(sandbox, 'SELECT count(*) AS rate_probe FROM pg_class', 40);
    const second = await fetchStatements(source);
    const rates = computeStatementRates(first, second);
    const row = rates.rows.find((r) => r.entry.key === key);
    assert.ok(row && rates.intervalSeconds, 'the probe has a rate');
    assert.equal(row.basis, 'interval');
    assert.equal(row.delta?.calls, 40);
    assert.ok(Math.abs((row.callsPerSecond ?? 0) * rates.intervalSeconds - 40) < 1e-6, `calls/s ${row.callsPerSecond} over ${rates.intervalSeconds} s`);
    assert.equal(row.rowsPerCall, 1);
    assert.ok((row.meanMs ?? -1) >= 0 && (row.timeShare ?? -1) > 0 && (row.timeShare ?? 2) <= 1);
    assert.equal(second.entries.find((e) => e.key === key)?.database, 'postgres');
    const present = major >= 18 ? 'notnull' : 'null';
    assert.equal(second.entries[0]?.counters.walBuffersFull === null ? 'null' : 'notnull', present, 'wal_buffers_full exists from 18');
    assert.equal(second.entries[0]?.counters.sharedBlkReadMs === null, false, 'read time under its version name');
    assert.equal(second.entries[0]?.counters.localBlkReadMs === null, major < 17, 'local_blk_read_time from 17');
    assert.equal(second.entries[0]?.counters.localBlkWriteMs === null, major < 17, 'local_blk_write_time from 17');
    assert.equal(second.entries[0]?.counters.parallelWorkersLaunched === null, major < 18, 'parallel_workers_launched from 18');
    assert.equal(second.entries[0]?.counters.parallelWorkersToLaunch === null, major < 18, 'parallel_workers_to_launch from 18');
    assert.equal(second.entries[0]?.counters.localBlksWritten, 0, 'local_blks_written on every version');
  });

  it('fetches the counters without texts, and the texts of the entries asked for only, once', async () => {
    await runTimes(sandbox, 'SELECT 1 AS text_probe_a', 1);
    await runTimes(sandbox, 'SELECT 1 AS text_probe_b', 1);
    const fresh = new StatementsSource(sandboxSettings(sandbox));
    const textsFetched = async (): Promise<{ calls: number; rows: number }> => {
      const found = await sandbox.query<{ calls: string; rows: string }>(
        "SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(rows), 0) AS rows FROM pg_stat_statements WHERE query LIKE 'SELECT s.queryid::text AS queryid%s.query%= ANY%'",
      );
      return { calls: Number(found.rows[0]?.calls), rows: Number(found.rows[0]?.rows) };
    };
    try {
      const snapshot = await fetchStatements(fresh);
      assert.ok(snapshot.entries.length > 2);
      const before = await textsFetched();
      const one = snapshot.entries[0]?.key ?? '';
      const texts = await fresh.textsOf([one]);
      assert.deepEqual([...texts.keys()], [one]);
      await fresh.textsOf([one]);
      const after = await textsFetched();
      assert.deepEqual({ calls: after.calls - before.calls, rows: after.rows - before.rows }, { calls: 1, rows: 1 }, 'one round trip, one text: the second ask was cached');
    } finally {
      await fresh.close();
    }
  });

  it('an evicted entry ends its rate, and one created again counts from zero: no negative rate', async () => {
    await runTimes(sandbox, 'SELECT count(*) AS evict_probe FROM pg_attribute', 5);
    const first = await fetchStatements(source);
    const key = await keyOfText(source, first, 'evict_probe');
    assert.ok(key);
    const distinct = Array.from({ length: 250 }, (_, i) => `SELECT ${Array.from({ length: i + 1 }, () => '1').join(',')}`);
    const client = await sandbox.connect();
    try {
      for (let round = 0; round < 8; round++) await client.query(distinct.join(';\n'));
    } finally {
      await client.end();
    }
    const second = await fetchStatements(source);
    const evicted = computeStatementRates(first, second);
    assert.ok((evicted.evicted ?? 0) > 0, 'pg_stat_statements_info.dealloc moved');
    assert.ok(!second.entries.some((e) => e.key === key), 'the probe was evicted');
    assert.ok(evicted.vanished > 0);
    await runTimes(sandbox, 'SELECT count(*) AS evict_probe FROM pg_attribute', 2);
    const third = await fetchStatements(source);
    const again = computeStatementRates(second, third).rows.find((r) => r.entry.key === key);
    assert.equal(again?.basis, 'restarted');
    assert.equal(again?.delta?.calls, 2);
    const overEviction = computeStatementRates(first, third);
    for (const row of overEviction.rows) {
      for (const [name, value] of Object.entries(row.delta ?? {})) assert.ok(value === null || value >= 0, `${name} of ${row.entry.key} is ${value}`);
    }
    assert.equal(overEviction.rows.find((r) => r.entry.key === key)?.delta?.calls, 2, 'calls 5 then 2: counted from the re-creation');
  });

  it('a reset by someone else and one by pgtop are detected, rates restart from them, pgtop audits its own', async () => {
    await runTimes(sandbox, 'SELECT 42', 3);
    const before = await fetchStatements(source);
    await sandbox.query('SELECT pg_stat_statements_reset()');
    await runTimes(sandbox, 'SELECT 42', 2);
    const afterOther = await fetchStatements(source);
    const other = computeStatementRates(before, afterOther);
    assert.equal(other.resetAt, afterOther.statsReset);
    assert.notEqual(other.resetAt, null);
    assert.ok(other.rows.length > 0 && other.rows.every((r) => r.basis === 'restarted' && (r.delta?.calls ?? 0) >= 0));
    const audited: AuditEntry[] = [];
    const outcome = await resetStatements(sandboxSettings(sandbox), (entry) => void audited.push(entry));
    assert.equal(outcome.result, 'ok', outcome.message);
    assert.deepEqual(audited.map((e) => [e.action, e.result]), [['statements-reset', 'ok']]);
    const afterOurs = await fetchStatements(source);
    const ours = computeStatementRates(afterOther, afterOurs);
    assert.notEqual(ours.resetAt, null);
    assert.ok(afterOurs.entries.length < afterOther.entries.length || afterOurs.entries.every((e) => e.counters.calls <= 2));
  });

  it('pgtop snapshot --json --statements prints the statements with rates over a second and their texts', async () => {
    await runTimes(sandbox, 'SELECT count(*) AS snapshot_probe FROM pg_proc', 2);
    const result = await runCli(['snapshot', '--json', '--statements', sandbox.uri()]);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as SnapshotDocument;
    assert.ok(doc.statements?.available, JSON.stringify(doc.statements));
    if (!doc.statements?.available) return;
    assert.ok(doc.statements.intervalSeconds !== null && doc.statements.intervalSeconds >= 0.9);
    const probe = doc.statements.statements.find((s) => s.query?.includes('snapshot_probe'));
    assert.equal(probe?.totals.calls, 2);
    assert.equal(probe?.callsPerSecond, 0);
    assert.equal(probe?.database, 'postgres');
    const other = await runCli(['snapshot', '--json', '--statements', sandbox.uri('other')]);
    const refused = (JSON.parse(other.stdout) as SnapshotDocument).statements;
    assert.deepEqual(refused && !refused.available && refused.problem, 'not-installed');
  });

  it('says the extension is not installed in the database pgtop is connected to, and how to install it', async () => {
    const elsewhere = new StatementsSource(sandboxSettings(sandbox, 'other'));
    try {
      const outcome = await elsewhere.tick();
      assert.equal(outcome.kind, 'unavailable');
      if (outcome.kind !== 'unavailable') return;
      assert.equal(outcome.diagnosis.problem, 'not-installed');
      assert.match(outcome.diagnosis.message, /not installed in database "other"/);
      assert.deepEqual(outcome.diagnosis.fix, ['CREATE EXTENSION pg_stat_statements;  -- as a superuser, in database other']);
      const stillAbsent = await sandbox.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'", [], 'other');
      assert.equal(stillAbsent.rowCount, 0, 'pgtop never creates the extension');
    } finally {
      await elsewhere.close();
    }
  });

  it('a plain role sees its own statements and is told to get pg_read_all_stats; it may not reset', async () => {
    const plain = new StatementsSource(sandboxSettings(sandbox, 'postgres', 'plain', 'plain-secret'));
    try {
      const client = await sandbox.connect('postgres', 'plain', 'plain-secret');
      await client.query("SELECT 'plain_probe'");
      await client.end();
      const outcome = await plain.tick();
      assert.equal(outcome.kind, 'data');
      if (outcome.kind !== 'data') return;
      assert.equal(outcome.diagnosis?.problem, 'no-privilege');
      assert.match(outcome.diagnosis?.message ?? '', /role "plain" sees only its own statements/);
      assert.deepEqual(outcome.diagnosis?.fix, ['GRANT pg_read_all_stats TO plain;']);
      assert.ok(outcome.data.entries.length > 0 && outcome.data.entries.every((e) => e.user === 'plain'));
      const reset = await resetStatements(sandboxSettings(sandbox, 'postgres', 'plain', 'plain-secret'), () => undefined);
      assert.equal(reset.result, 'refused');
      assert.match(reset.message, /GRANT EXECUTE ON FUNCTION pg_stat_statements_reset TO "plain"/);
    } finally {
      await plain.close();
    }
  });

  it('notices compute_query_id turned off by a reload, on the next fetch', async () => {
    assert.equal((await fetchStatements(source)).settings.computeQueryId, 'auto');
    await sandbox.query('ALTER SYSTEM SET compute_query_id = off');
    await sandbox.query('SELECT pg_reload_conf()');
    try {
      await waitUntil(async () => (await fetchStatements(source)).settings.computeQueryId === 'off', { what: 'compute_query_id off in the fetch' });
    } finally {
      await sandbox.query('ALTER SYSTEM RESET compute_query_id');
      await sandbox.query('SELECT pg_reload_conf()');
    }
  });
});

describeEachMajor('pg_stat_statements not preloaded', (major) => {
  let sandbox: PostgresSandbox;
  before(async () => {
    sandbox = await startPostgres({ major });
    await sandbox.query('CREATE EXTENSION pg_stat_statements');
  });
  after(async () => {
    await sandbox?.stop();
  });

  it('says the library must be preloaded, with the setting and the restart', async () => {
    const source = new StatementsSource(sandboxSettings(sandbox));
    try {
      const outcome = await source.tick();
      assert.equal(outcome.kind, 'unavailable');
      if (outcome.kind !== 'unavailable') return;
      assert.equal(outcome.diagnosis.problem, 'not-preloaded');
      assert.match(outcome.diagnosis.message, /shared_preload_libraries/);
      assert.equal(outcome.diagnosis.fix[0], "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';");
      assert.match(outcome.diagnosis.fix.join('\n'), /restart/);
    } finally {
      await source.close();
    }
  });
});
