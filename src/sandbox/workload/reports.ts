import { pick, type ActorContext } from './actor.js';
import { between, pause } from './pause.js';
import type { WorkloadSession } from './session.js';

// A month's revenue, then a wait that stands for a report engine's slowness: active for 5–20 s.
const REPORT_SQL = `SELECT report.*, pg_sleep($1)
  FROM (SELECT count(DISTINCT o.id) AS orders, sum(i.quantity * i.unit_price_cents) AS revenue_cents
          FROM orders AS o JOIN order_items AS i ON i.order_id = o.id
         WHERE o.created_at > now() - interval '30 days') AS report`;

/** Slow queries from `reports`: one every 10–30 s, each running 5–20 s, until stopped. */
export async function runReports(context: ActorContext, session: WorkloadSession): Promise<void> {
  const { firstReportMs, reportSeconds, reportGapMs } = context.timings;
  await pause(firstReportMs, context.signal);
  while (!context.signal.aborted) {
    try {
      await session.query(REPORT_SQL, [pick(context, reportSeconds[0], reportSeconds[1])]);
    } catch {
      // cancelled or terminated from pgtop: the next report comes as usual
    }
    await pause(between(reportGapMs[0], reportGapMs[1], context.random), context.signal);
  }
}
