import type { Results } from '../../bench/report.js';

/** A bench run with nothing measured, on a made-up machine, with the given parts. */
export function benchResults(over: Partial<Results> = {}): Results {
  return {
    generatedAt: '',
    settings: { seconds: 30, ticks: 100, sessions: [170], sourceTicks: 200, startupRuns: 5 },
    machine: { cpu: 'x', cores: 2, memoryGiB: 1, node: 'v20', kernel: 'Linux', loadStart: 0 },
    notes: [],
    errors: {},
    frames: [],
    sourceTicks: [],
    sideBySide: [],
    table: [],
    ...over,
  };
}
