// Builds build/pgtop: one Linux executable holding Node and pgtop (Node's single executable applications).
// Steps: bundle the sources into one CommonJS file (esbuild), turn it into a blob (node --experimental-sea-config),
// and inject the blob into a copy of the node binary running this script (postject).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { inkReconcilerWithoutDevtools } from '../ink-reconciler.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = join(root, 'build');
const bundle = join(out, 'pgtop.cjs');
const blob = join(out, 'pgtop.blob');
const executable = join(out, 'pgtop');
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

// yoga-layout's main module awaits its WebAssembly at top level; this one hands out the instance entry.ts loaded.
const yogaWithoutTopLevelAwait: Plugin = {
  name: 'yoga-without-top-level-await',
  setup(builder) {
    builder.onLoad({ filter: /yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, () => ({
      contents: `export * from './generated/YGEnums.js';
const Yoga = new Proxy({}, {
  get(_target, key) {
    const yoga = globalThis.pgtopYoga;
    if (!yoga) throw new Error('the layout engine was used before it was loaded');
    return yoga[key];
  },
});
export default Yoga;`,
      loader: 'js',
      resolveDir: join(root, 'node_modules', 'yoga-layout', 'dist', 'src'),
    }));
  },
};

async function bundleSources(): Promise<void> {
  await build({
    entryPoints: [join(root, 'scripts', 'single-executable', 'entry.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Files the sources find relative to themselves (migrations/, node_modules/) are looked for beside the
    // executable, as if it were the package directory and the bundle a module two levels down in dist/.
    banner: {
      js: "const pgtopImportMeta = { url: require('node:url').pathToFileURL(require('node:path').join(require('node:path').dirname(process.execPath), 'dist', 'commands', 'bundle.js')).href };",
    },
    define: {
      'import.meta': 'pgtopImportMeta',
      'process.env.NODE_ENV': '"production"',
      PGTOP_BUNDLED_VERSION: JSON.stringify(version),
    },
    // Optional modules that pgtop never loads: node-postgres' native binding and Ink's React devtools.
    external: ['pg-native', 'react-devtools-core'],
    plugins: [yogaWithoutTopLevelAwait, inkReconcilerWithoutDevtools],
  });
}

function makeExecutable(): void {
  const config = join(out, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
  copyFileSync(process.execPath, executable);
  chmodSync(executable, 0o755);
  const postject = join(root, 'node_modules', 'postject', 'dist', 'cli.js');
  execFileSync(process.execPath, [postject, executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', seaFuse], { stdio: 'inherit' });
  rmSync(blob);
  rmSync(config);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await bundleSources();
makeExecutable();
process.stdout.write(`${executable}\n`);
