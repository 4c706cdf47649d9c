import { fileURLToPath } from 'node:url';

/**
 * How the tests start pgtop: node running bin/pgtop.js on the compiled dist/, as an installed pgtop runs.
 * scripts/run-tests.js rebuilds dist/ first when a source is newer, so this is always the code under test.
 */
export const pgtopBin = fileURLToPath(new URL('../../bin/pgtop.js', import.meta.url));
export const pgtopCommand: readonly [string, string] = [process.execPath, pgtopBin];
