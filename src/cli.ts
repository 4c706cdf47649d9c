import { PgtopError, UsageError, errorMessage } from './errors.js';
import { sanitizeLines } from './text/sanitize.js';
import { commandWordProblem, isBareWord } from './cli/commands.js';
import { endQuietlyWhenStdoutCloses } from './cli/stdout-closed.js';

type CommandRunner = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<CommandRunner>> = {
  snapshot: async () => (await import('./commands/snapshot/snapshot.js')).runSnapshot,
  migrate: async () => (await import('./commands/migrate/migrate.js')).runMigrate,
  backup: async () => (await import('./commands/backup/backup.js')).runBackup,
  demo: async () => (await import('./commands/demo/demo.js')).runDemo,
  check: async () => (await import('./commands/check.js')).runCheck,
  config: async () => (await import('./commands/config.js')).runConfig,
  completion: async () => (await import('./commands/completion.js')).runCompletion,
  record: async () => (await import('./commands/record/record.js')).runRecord,
  replay: async () => (await import('./commands/replay/replay.js')).runReplay,
};

/** Entry point: picks the command, runs it, and turns errors into one readable line and an exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  endQuietlyWhenStdoutCloses();
  const [first, ...rest] = argv;
  try {
    const load = first !== undefined ? commands[first] : undefined;
    if (load) return await (await load())(rest);
    if (first === 'help') return await main(['--help']);
    const problem = first !== undefined && isBareWord(first) ? commandWordProblem(first, true) : undefined;
    if (problem !== undefined) throw new UsageError(problem);
    const { runTop } = await import('./commands/top.js');
    return await runTop(argv);
  } catch (error) {
    const code = error instanceof PgtopError ? error.exitCode : 1;
    const message = error instanceof UsageError || error instanceof PgtopError ? error.message : `unexpected error: ${errorMessage(error)}`;
    const [first = '', ...more] = sanitizeLines(message);
    process.stderr.write(`pgtop: ${first}\n${more.map((line) => `  ${line}\n`).join('')}`);
    if (debug && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
      if (error.cause instanceof Error) process.stderr.write(`caused by: ${error.cause.stack ?? error.cause.message}\n`);
    } else if (!(error instanceof PgtopError)) {
      process.stderr.write('pgtop: run again with --debug for the details\n');
    }
    return code;
  }
}
