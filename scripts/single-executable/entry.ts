// The single executable's entry point: what bin/pgtop.js does, plus loading Yoga (Ink's layout engine)
// before the program starts, because its own module does so with a top-level await that a CommonJS
// bundle cannot hold. build.ts swaps that module for one that reads the instance stored here.
import { loadYoga } from 'yoga-layout/load';
import { main } from '../../src/cli.js';

loadYoga()
  .then((yoga) => {
    (globalThis as { pgtopYoga?: unknown }).pgtopYoga = yoga;
    return main(process.argv.slice(2));
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`pgtop: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
