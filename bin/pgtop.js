#!/usr/bin/env node
import { existsSync } from 'node:fs';

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
