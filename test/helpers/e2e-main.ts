// Runs pgtop from the sources, as bin/pgtop.js runs the compiled CLI: for tests that drive it in a terminal.
import { main } from '../../src/cli.js';

const code = await main(process.argv.slice(2));
process.exit(code);
