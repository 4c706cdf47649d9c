/**
 * Runs the in-process measurements (frames, memory) in a process of their own, started with --expose-gc,
 * so that their figures are not disturbed by the rest of the bench. Prints one `RESULT {json}` line.
 */
import type { KeyFigures, KeyOptions } from './keys.js';
import type { MemoryOptions } from './memory.js';
import { loadLiveApp, loadPipeline, prepareRendering } from './product.js';
import type { FrameFigures } from './render.js';

export type ChildJob =
  | { kind: 'frames'; runs: { sessions: number; view: 'filtered' | 'all' }[]; frames: number; warmup: number; maxSecondsPerRun: number }
  | ({ kind: 'memory' } & MemoryOptions)
  | ({ kind: 'keys'; frames: number; warmup: number } & KeyOptions);

/** What the keys job prints: frames over the long texts, then key to frame. */
export interface LongTextFigures {
  reactBuild: string;
  frames: FrameFigures;
  keys: KeyFigures;
}

const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob;
const say = (line: string): void => void process.stderr.write(`${line}\n`);
// Before anything loads Ink or React: the modules that do are imported below, once this has run.
const reactBuild = await prepareRendering();

if (job.kind === 'frames') {
  const { ALL_ROWS, FILTERED, measureFrames } = await import('./render.js');
  const pipeline = await loadPipeline();
  const results: FrameFigures[] = [];
  for (const run of job.runs) {
    const setting = run.view === 'filtered' ? FILTERED : ALL_ROWS;
    const figures = measureFrames(pipeline, { sessions: run.sessions, setting, frames: job.frames, warmup: job.warmup, maxSeconds: job.maxSecondsPerRun });
    say(`  ${run.sessions} sessions, ${setting.name}: median ${figures.medianMs} ms, p95 ${figures.p95Ms} ms (${figures.frames} frames)`);
    results.push(figures);
  }
  process.stdout.write(`RESULT ${JSON.stringify({ reactBuild, frames: results })}\n`);
} else if (job.kind === 'memory') {
  const { measureMemory } = await import('./memory.js');
  const [pipeline, live] = await Promise.all([loadPipeline(), loadLiveApp()]);
  const figures = await measureMemory(pipeline, live, job);
  process.stdout.write(`RESULT ${JSON.stringify({ reactBuild, ...figures })}\n`);
} else if (job.kind === 'keys') {
  const [{ FILTERED, measureFrames }, { measureKeyToFrame }] = await Promise.all([import('./render.js'), import('./keys.js')]);
  const [pipeline, live] = await Promise.all([loadPipeline(), loadLiveApp()]);
  const frames = measureFrames(pipeline, { sessions: job.sessions, setting: FILTERED, frames: job.frames, warmup: job.warmup, maxSeconds: job.maxSeconds / 2, queryChars: job.queryChars });
  say(`  frames: median ${frames.medianMs} ms, p95 ${frames.p95Ms} ms (${frames.frames} frames)`);
  const keys = await measureKeyToFrame(pipeline, live, job);
  const result: LongTextFigures = { reactBuild, frames, keys };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}
