import { readFileSync, readdirSync } from 'node:fs';

function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * The servers this process started inside `dir` (their command lines name it: `postgres -D dir/…`,
 * `pgbouncer dir/…/pgbouncer.ini`), PgBouncer first. Read from /proc, so they are found even while a
 * sandbox is still starting and has not told its pid yet.
 */
export function serverPidsIn(dir: string, parent: number = process.pid): number[] {
  const found: { pid: number; bouncer: boolean }[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== parent) continue;
    const command = commandLine(entry);
    if (command.includes(dir)) found.push({ pid: Number(entry), bouncer: command.includes('pgbouncer') });
  }
  return found.sort((a, b) => Number(b.bouncer) - Number(a.bouncer)).map((process_) => process_.pid);
}
