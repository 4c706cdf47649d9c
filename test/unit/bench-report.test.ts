import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameFigures } from '../../bench/render.js';
import { buildTable, formatTable, type Results } from '../../bench/report.js';
import { benchResults } from '../helpers/bench-results.js';

const frame = (sessions: number, p95Ms: number): FrameFigures => ({
  sessions,
  view: 'filter "orders", sort by XACT, idle shown',
  frames: 100,
  medianMs: p95Ms / 2,
  p95Ms,
  maxMs: p95Ms,
  liveMedianMs: p95Ms / 2,
  liveP95Ms: p95Ms,
  cpuMedianMs: 1,
  cpuP95Ms: 1,
  screenLinesMedianMs: 1,
  inkMedianMs: 1,
  tickMedianMs: 1,
  matchedRows: 10,
});

const results = (over: Partial<Results>): Results => benchResults({ settings: { seconds: 60, ticks: 10_000, sessions: [100], sourceTicks: 200, startupRuns: 5 }, ...over });

describe('buildTable', () => {
  test('judges each budget at its size only', () => {
    const rows = buildTable(results({ frames: [frame(500, 30), frame(5000, 12), frame(20_000, 90)] }));
    const judged = rows.filter((r) => r.figure.startsWith('frame') && r.holds !== '');
    assert.deepEqual(
      judged.map((r) => [r.figure.split(' (')[0], r.holds]),
      [['frame, 5,000 sessions', 'yes']],
    );
    assert.equal(buildTable(results({ frames: [frame(5000, 16)] }))[0]?.holds, 'no');
  });

  test('says when the CPU budget was not measured, and puts pg_activity beside pgtop', () => {
    const server = { role: 'r', refreshes: 60, statementsPerRefresh: 3, serverMsPerRefresh: 1, execMsPerRefresh: 1, planMsPerRefresh: 0, roundTripsPerRefresh: 1 };
    const client = { cpuPercent: 2, cpuSeconds: 1.2, windowSeconds: 60, peakRssMb: 100, rssFirstMb: 90, rssLastMb: 95, server };
    const rows = buildTable(
      results({
        sideBySide: [{ sessions: 100, pgtop: { program: 'pgtop', ...client }, pgActivity: { program: 'pg_activity', ...client, cpuPercent: 4, server: { ...server, serverMsPerRefresh: 4 } } }],
      }),
    );
    const cpu = rows.find((r) => r.figure.includes('CPU') && r.figure.includes('100 sessions'));
    assert.equal(cpu?.pgActivity, '4 %');
    assert.equal(cpu?.ratio, '0.5x');
    assert.equal(rows.find((r) => r.figure.includes('server time per refresh'))?.ratio, '0.25x');
    assert.equal(rows.find((r) => r.figure.includes('1,000 sessions'))?.value, 'not measured');
  });
});

describe('formatTable', () => {
  test('aligns the columns', () => {
    const text = formatTable([{ figure: 'a', value: '1 ms', budget: '< 2 ms', holds: 'yes', pgActivity: '', ratio: '' }]);
    const [header, rule, line] = text.split('\n');
    assert.ok(header?.startsWith('figure | pgtop'));
    assert.equal(rule?.length, header?.length);
    assert.equal(line?.indexOf('|'), header?.indexOf('|'));
  });
});
