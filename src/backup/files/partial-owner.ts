import { hostname } from 'node:os';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../../process/alive.js';
import { PARTIAL_SUFFIX } from './naming.js';

/**
 * `NAME.partial.owner` says which pgtop is writing `NAME.partial` (`pid@host`). It is written before the
 * partial and removed after it, so a partial whose owner is gone was left by a pgtop that was killed (pg_dump
 * dies with pgtop), and can be removed by the next backup. A partial without an owner file, or owned by
 * another host (a shared directory), is only reported.
 */
export const OWNER_SUFFIX = '.owner';

export const ownerPathFor = (partialPath: string): string => `${partialPath}${OWNER_SUFFIX}`;

export async function writeOwner(partialPath: string): Promise<void> {
  await writeFile(ownerPathFor(partialPath), `${process.pid}@${hostname()}\n`, { mode: 0o600, flag: 'wx' });
}

export async function removeOwner(partialPath: string): Promise<void> {
  await rm(ownerPathFor(partialPath), { force: true });
}

type Owner = { kind: 'gone'; pid: number } | { kind: 'running' } | { kind: 'unknown' };

async function ownerOf(partialPath: string): Promise<Owner> {
  const text = await readFile(ownerPathFor(partialPath), 'utf8').catch(() => undefined);
  const match = /^(\d+)@(.*)$/.exec(text?.trim() ?? '');
  if (!match || match[2] !== hostname()) return { kind: 'unknown' };
  const pid = Number(match[1]);
  return isProcessAlive(pid) ? { kind: 'running' } : { kind: 'gone', pid };
}

export interface StaleSweep {
  /** Partials removed, with the pid of the pgtop that left them. */
  removed: { file: string; pid: number }[];
  /** Partials of unknown owner, left alone. */
  unknown: string[];
}

/** Removes the partial dumps in `dir` whose pgtop is gone; reports those whose owner is unknown. */
export async function sweepStalePartials(dir: string): Promise<StaleSweep> {
  const sweep: StaleSweep = { removed: [], unknown: [] };
  const names = await readdir(dir);
  for (const name of names.filter((candidate) => /\.(dump|dir)\.partial$/.test(candidate))) {
    const partialPath = join(dir, name);
    const owner = await ownerOf(partialPath);
    if (owner.kind === 'running') continue;
    if (owner.kind === 'unknown') {
      sweep.unknown.push(name);
      continue;
    }
    await rm(partialPath, { recursive: true, force: true });
    await removeOwner(partialPath);
    sweep.removed.push({ file: name, pid: owner.pid });
  }
  for (const name of names.filter((candidate) => candidate.endsWith(`${PARTIAL_SUFFIX}${OWNER_SUFFIX}`))) {
    const partialPath = join(dir, name.slice(0, -OWNER_SUFFIX.length));
    if (!names.includes(name.slice(0, -OWNER_SUFFIX.length)) && (await ownerOf(partialPath)).kind === 'gone') await removeOwner(partialPath);
  }
  return sweep;
}
