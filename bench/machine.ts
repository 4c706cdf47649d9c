import { readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  postgres?: string;
  pgActivity?: string;
  tmux?: string;
  /** 1-minute load average when the bench started and ended: a busy machine slows every wall-clock figure. */
  loadStart: number;
  loadEnd?: number;
}

export function describeMachine(): Machine {
  let cpu = os.cpus()[0]?.model ?? '?';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    loadStart: round(os.loadavg()[0] ?? 0, 2),
  };
}

export const loadNow = (): number => round(os.loadavg()[0] ?? 0, 2);
