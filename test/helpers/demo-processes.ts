import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { isAlive } from '../../src/sandbox/cleanup.js';
import { descendantPids } from './tmux.js';

export interface ProcessInfo {
  pid: number;
  command: string;
  cwd: string;
}

function info(pid: number): ProcessInfo | undefined {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // another user's process, read without root
    }
    return { pid, command, cwd };
  } catch {
    return undefined;
  }
}

/** Every running process (not a zombie) whose command line or working directory names `dir`. */
export function processesIn(dir: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const process_ = info(Number(entry));
    if (!process_ || !isAlive(process_.pid)) continue;
    if (process_.command.includes(dir) || process_.cwd.startsWith(dir)) found.push(process_);
  }
  return found;
}

function executable(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** The demo's node process in the pane (pgtop renames its process title, so it is found by its executable). */
export function demoNodePid(panePid: number): number | undefined {
  const node = realpathSync(process.execPath);
  return descendantPids(panePid).find((pid) => executable(pid) === node);
}

/** What the demo runs below its node process: the servers (PostgreSQL and its backends, PgBouncer). */
export function demoServers(nodePid: number): ProcessInfo[] {
  return descendantPids(nodePid)
    .map(info)
    .filter((process_): process_ is ProcessInfo => process_ !== undefined);
}

/** The demo directory, read from the postmaster's `-D DIR/pgtop-pg-XXXXXX/data`. */
export function demoDirOf(servers: ProcessInfo[]): string | undefined {
  for (const server of servers) {
    const match = /-D (\S+)\/pgtop-pg-[^/\s]+\/data/.exec(server.command);
    if (match) return match[1];
  }
  return undefined;
}

/** The real uid a process runs as. */
export function uidOf(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('Uid:'));
    return line ? Number(line.split(/\s+/)[1]) : undefined;
  } catch {
    return undefined;
  }
}
