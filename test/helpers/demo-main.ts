// Runs pgtop from the sources exactly as bin/pgtop.js runs the compiled CLI: the exit code is set and the
// process ends only when nothing is left running, so a timer or connection left open would show as a hang.
import { main } from '../../src/cli.js';

process.exitCode = await main(process.argv.slice(2));
