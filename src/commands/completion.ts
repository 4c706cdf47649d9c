import { bashCompletion, zshCompletion } from '../cli/completion-script.js';
import { expectNoExtraInput, parseCommand } from '../cli/parse.js';
import { UsageError } from '../errors.js';
import { completionHelp } from './completion-help.js';
import { commandDefinitions } from './registry.js';

/** `pgtop completion bash|zsh`: prints the completion script for that shell. */
export async function runCompletion(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { command: 'pgtop completion', help: completionHelp, flags: {} });
  expectNoExtraInput(parsed, 1, 'pgtop completion');
  const shell = parsed.input[0];
  if (shell === 'bash') process.stdout.write(bashCompletion(commandDefinitions));
  else if (shell === 'zsh') process.stdout.write(zshCompletion(commandDefinitions));
  else throw new UsageError(`${shell === undefined ? 'say which shell' : `no completion for "${shell}"`}: pgtop completion bash, or pgtop completion zsh`);
  return 0;
}
