import { relative, resolve, isAbsolute } from 'node:path';

// A relative path climbing with "../", or an absolute path into the directory the project was developed in.
const climbing = /(?<![\w.])(?:\.\.\/)+[\w@.\-/]*/g;
const machinePath = /(?<![\w.~])\/work\/[\w@.\-/]*/g;

function escapes(target: string, root: string): boolean {
  const path = relative(root, target);
  return path === '..' || path.startsWith('../') || isAbsolute(path);
}

/** The paths in `text` that point outside `root`, relative ones resolved from `baseDir`. */
export function pathsLeavingRoot(text: string, baseDir: string, root: string): string[] {
  const relativeEscapes = [...text.matchAll(climbing)]
    .map((match) => match[0])
    .filter((path) => escapes(resolve(baseDir, path), root) || /(^|\/)shared(\/|$)/.test(path));
  const absolute = [...text.matchAll(machinePath)].map((match) => match[0]);
  return [...relativeEscapes, ...absolute];
}
