#!/usr/bin/env -S node --max-semi-space-size=4 --v8-pool-size=1
import { existsSync } from 'node:fs';
import v8 from 'node:v8';

// Memory: node's young generation is sized on its command line only (the first line above: 4 MB a semi-space
// instead of 16), and the old generation may grow 20 % past what the last full collection kept before the next
// one. With V8's defaults, a monitor of 1,000 sessions held 160-215 MB for about 20 MB of live heap; with
// these, 115-130 MB, for some 15 % more CPU (more frequent collections).
v8.setFlagsFromString('--heap-growing-percent=20');

// React's development build checks every render: a monitor that redraws all day wants the production one.
process.env.NODE_ENV ??= 'production';

const cliUrl = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cliUrl)) {
  process.stderr.write('pgtop: not built yet (dist/cli.js is missing): run `npm run build` (or `npm ci`, which builds) in the checkout\n');
  process.exit(1);
}
const cli = await import(cliUrl.href);

cli.main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`pgtop: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
