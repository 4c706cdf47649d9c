import { startPostgres } from '../../src/sandbox/postgres.js';

// Started by the sandbox tests: starts a server, says where it is on one JSON line, and waits to be
// signalled; the sandbox's own cleanup must then stop the server and remove its directory.
const sandbox = await startPostgres();
process.stdout.write(`${JSON.stringify({ pid: sandbox.pid, dir: sandbox.dir, uid: process.getuid?.() })}\n`);
setInterval(() => undefined, 60_000);
