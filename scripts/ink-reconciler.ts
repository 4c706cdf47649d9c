// Ink's reconciler awaits two things at top level when DEV=true: React's devtools (react-devtools-core, which
// pgtop does not install) and Ink's own package.json, read beside the module. Neither exists in a bundle, so
// both builds swap them for what Ink sees when the devtools are missing. A build fails if Ink's text changed.
import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';

const edits: Array<[string, string]> = [
  ["await import('./devtools.js');", "throw Object.assign(new Error('no devtools'), { code: 'ERR_MODULE_NOT_FOUND' });"],
  ['? await loadPackageJson()', '? { name: undefined, version: undefined }'],
];

export const inkReconcilerWithoutDevtools: Plugin = {
  name: 'ink-reconciler-without-devtools',
  setup(builder) {
    builder.onLoad({ filter: /ink[\\/]build[\\/]reconciler\.js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      for (const [from, to] of edits) {
        if (!contents.includes(from)) throw new Error(`${args.path} no longer contains ${from}: update scripts/ink-reconciler.ts`);
        contents = contents.replace(from, to);
      }
      return { contents, loader: 'js' };
    });
  },
};
