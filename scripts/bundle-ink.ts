// Part of `npm run build`: turns dist/ui/ink.js, which re-exports Ink, into one module holding Ink and the
// packages it loads. Loaded as they are installed, those are some 500 modules, 416 of them es-toolkit's
// compat functions, of which Ink uses one (throttle); each module kept costs memory for as long as pgtop
// runs (4 MB of the monitor's RSS in the bench's RSS phase). Bundled, they are one module, with what Ink does
// not use left out. The packages pgtop imports itself (React above all: Ink's hooks must share pgtop's React)
// are left outside, so there is one copy of each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inkReconcilerWithoutDevtools } from './ink-reconciler.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const module = join(root, 'dist', 'ui', 'ink.js');
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

await build({
  entryPoints: [module],
  outfile: module,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'none',
  logLevel: 'warning',
  external: Object.keys(dependencies).filter((name) => name !== 'ink'),
  // Some of Ink's packages are CommonJS and require Node's modules (and React) at run time.
  banner: { js: "import { createRequire as createRequireForInk } from 'node:module';\nconst require = createRequireForInk(import.meta.url);" },
  // Yoga, Ink's layout engine, reads its WebAssembly from a data: URL with fetch when there is one, and
  // touching the global fetch loads Node's fetch implementation (about 5 MB, kept). Without it, Yoga decodes
  // the same bytes itself.
  define: { fetch: 'undefined' },
  plugins: [inkReconcilerWithoutDevtools],
});
