/** The second round's measurements that need no side-by-side run: long texts, RSS at 1,000 sessions, idle cost. */
import { runChild } from './child.js';
import { measureIdle } from './idle.js';
import type { MemoryFigures } from './memory.js';
import { loadSandbox } from './product.js';
import type { LongTextFigures } from './render-child.js';
import type { Results } from './report.js';
import { ADMIN_PASSWORD, ADMIN_ROLE, prepareServer, serverSettings } from './server-cost.js';
import { Workload } from './workload.js';

export const LONG_TEXT_SESSIONS = 5000;
/** 1 MB: the most track_activity_query_size allows. */
export const LONG_TEXT_CHARS = 1_048_576;
export const RSS_SESSIONS = 1000;
export const IDLE_SESSIONS = 100;

type Say = (line: string) => void;

export async function longTextPhase(script: string, results: Results, seconds: number, say: Say): Promise<void> {
  say(`keys: ${LONG_TEXT_SESSIONS.toLocaleString('en-US')} synthetic sessions, each query text 1 MB on the server (the tick fetches 4,096 characters and the length): frames, then key to frame in the live UI`);
  const maxSeconds = Math.max(20, Math.min(seconds, 60));
  const out = await runChild<LongTextFigures>(
    script,
    { kind: 'keys', sessions: LONG_TEXT_SESSIONS, queryChars: LONG_TEXT_CHARS, frames: 100, warmup: 10, presses: 200, maxSeconds },
    say,
    (maxSeconds * 2 + 120) * 1000,
  );
  results.longTexts = out;
  results.reactBuild ??= out.reactBuild;
  const k = out.keys;
  say(`  key to frame: median ${k.medianMs} ms, p95 ${k.p95Ms} ms, max ${k.maxMs} ms over ${k.presses} presses (${k.ticks} data ticks meanwhile, ${k.missed} not drawn within 1 s)`);
}

export async function rssPhase(script: string, results: Results, ticks: number, say: Say, note: Say): Promise<void> {
  const maxSeconds = 420;
  say(`rss: ${ticks.toLocaleString('en-US')} ticks at ${RSS_SESSIONS.toLocaleString('en-US')} sessions through the controller, App and frame writer, a frame every tick, RSS read as ps sees it, the heap after a full collection`);
  const memory = await runChild<MemoryFigures>(
    script,
    { kind: 'memory', sessions: RSS_SESSIONS, ticks, ticksPerFrame: 1, samples: 30, maxSeconds, forceGc: false },
    say,
    (maxSeconds + 60) * 1000,
  );
  results.rss = memory;
  results.reactBuild ??= memory.reactBuild;
  say(`  RSS at start ${memory.startRssMb} MB; ${memory.rss.first} -> ${memory.rss.middle} -> ${memory.rss.last} MB over ${memory.ticks} ticks (${memory.seconds} s), last third median ${memory.rss.lastThirdMedian} MB; heap after GC ${memory.heap.middleThirdMedian} -> ${memory.heap.lastThirdMedian} MB${memory.heap.growing ? ', growing' : ', flat'}`);
  if (memory.stoppedEarly) note(`the RSS run stopped at ${memory.ticks} of ${ticks} ticks (its time limit)`);
}

export async function idlePhase(results: Results, seconds: number, say: Say): Promise<void> {
  const window = Math.max(10, Math.min(seconds, 30));
  say(`idle: pgtop at 1 s on a server with ${IDLE_SESSIONS} sessions doing nothing new, then frozen with p; ${window} s each, the pty's output and the main thread's wake-ups counted`);
  const { startPostgres } = await loadSandbox();
  const sandbox = await startPostgres({ settings: serverSettings(IDLE_SESSIONS + 100) });
  let workload: Workload | undefined;
  const admin = await (async () => {
    const superuser = await sandbox.connect();
    try {
      await prepareServer(superuser);
    } finally {
      await superuser.end();
    }
    return sandbox.connect('postgres', ADMIN_ROLE, ADMIN_PASSWORD);
  })().catch(async (error: unknown) => {
    await sandbox.stop();
    throw error;
  });
  try {
    await Workload.prepare(admin);
    workload = new Workload(sandbox, admin);
    await workload.grow(IDLE_SESSIONS);
    await workload.releaseLockChain();
    results.idle = await measureIdle(sandbox, IDLE_SESSIONS, window, say);
  } finally {
    await workload?.stop().catch(() => undefined);
    await admin.end().catch(() => undefined);
    await sandbox.stop();
  }
}
