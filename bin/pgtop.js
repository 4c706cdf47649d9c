#!/usr/bin/env node
// React's development build checks every render: a monitor that redraws all day wants the production one.
process.env.NODE_ENV ??= 'production';
const { main } = await import('../dist/cli.js');

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`pgtop: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
